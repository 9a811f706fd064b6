/* fuzz_sim_jobrequest — libFuzzer target for hmcsim's JobRequest parsing.
 *
 * The simulator reads JobRequest bodies from any client; this drives them
 * through simjob_submit on the default topology.  The first byte picks the
 * operation ('N' PowerOn, 'F' PowerOff, 'R' RemoteRestart, 'M' Migrate,
 * anything else: byte % 4) and the rest is the body.  Submitted jobs are
 * freed at once (the loop never runs), so only parsing and validation are
 * exercised.  Linked with replay.c so `make check` replays the corpus.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <ev.h>

#include "log.h"
#include "xmlu.h"
#include "fuzz.h"
#include "world.h"
#include "topo.h"
#include "jobs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct world *w;

static void
once(void)
{
	char err[256];
	struct simfault_event *events = NULL;
	size_t n_events = 0;

	if (w)
		return;
	fuzz_init_once();
	w = world_new(EV_DEFAULT);
	if (!w || simtopo_load_default(w, &events, &n_events, err, sizeof err) == -1)
		log_panic(__FILE__, __LINE__, "default topology");
	free(events);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ops[] = { "PowerOn", "PowerOff", "RemoteRestart", "Migrate" };
	struct sim_job *job = NULL;
	char err[512];
	int status, pick;

	once();
	if (size < 1)
		return 0;
	switch (data[0]) {
	case 'N': pick = 0; break;
	case 'F': pick = 1; break;
	case 'R': pick = 2; break;
	case 'M': pick = 3; break;
	default: pick = data[0] % 4; break;
	}
	if (simjob_submit(w, &w->hmcs[0], "LogicalPartition", &w->lpars[w->n_lpars - 1],
	                  ops[pick], (const char *)data + 1, size - 1, &job, &status,
	                  err, sizeof err) == 0 && job) {
		simjob_stop_all(w);
		world_job_free(w, job);
	}
	return 0;
}
