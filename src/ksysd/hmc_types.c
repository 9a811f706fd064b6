/* hmc_types — helpers on the plain C views of HMC REST objects: clearing
 * the owned arrays, job status names and the success/terminal rules.
 *
 * The rules follow spec/peers.md §1.3: anything but NOT_STARTED and RUNNING
 * is terminal; COMPLETED, COMPLETED_OK and COMPLETED_WITH_WARNINGS are
 * success.  Not for parsing XML (hmcxml.c does that).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hmc_types.h"

void
hmc_ms_clear(struct hmc_ms *m)
{
	if (!m)
		return;
	free(m->vios_uuids);
	free(m->lpar_uuids);
	memset(m, 0, sizeof(*m));
	m->srr_capable = -1;
}

void
hmc_console_clear(struct hmc_console *c)
{
	if (!c)
		return;
	free(c->ms_uuids);
	memset(c, 0, sizeof(*c));
}

void
hmc_job_reply_clear(struct hmc_job_reply *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n_results; i++) {
		free(r->results[i].name);
		free(r->results[i].value);
	}
	free(r->results);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

const char *
hmc_job_result(const struct hmc_job_reply *r, const char *name)
{
	size_t i;

	if (!r || !name)
		return NULL;
	for (i = 0; i < r->n_results; i++)
		if (r->results[i].name && strcmp(r->results[i].name, name) == 0)
			return r->results[i].value ? r->results[i].value : "";
	return NULL;
}

int
hmc_job_succeeded(const struct hmc_job_reply *r)
{
	if (!r)
		return 0;
	switch (r->status) {
	case HMC_JOB_COMPLETED_OK:
	case HMC_JOB_COMPLETED_WITH_WARNINGS:
		return 1;
	default:
		/* A bare "COMPLETED" (hmc-mcp's success set) parses to
		 * COMPLETED_OK, but a hand-filled reply may only carry the text. */
		return strcasecmp(r->status_text, "COMPLETED") == 0;
	}
}

int
hmc_job_terminal(enum hmc_job_status s)
{
	return s != HMC_JOB_NOT_STARTED && s != HMC_JOB_RUNNING;
}

static const struct {
	const char *text;
	enum hmc_job_status status;
} status_map[] = {
	{ "NOT_STARTED", HMC_JOB_NOT_STARTED },
	{ "RUNNING", HMC_JOB_RUNNING },
	{ "COMPLETED_OK", HMC_JOB_COMPLETED_OK },
	{ "COMPLETED", HMC_JOB_COMPLETED_OK },
	{ "COMPLETED_WITH_WARNINGS", HMC_JOB_COMPLETED_WITH_WARNINGS },
	{ "COMPLETED_WITH_ERROR", HMC_JOB_COMPLETED_WITH_ERROR },
	{ "FAILED_BEFORE_COMPLETION", HMC_JOB_FAILED_BEFORE_COMPLETION },
	{ "CANCELED_BEFORE_START", HMC_JOB_CANCELED },
	{ "CANCELED_WHILE_RUNNING", HMC_JOB_CANCELED },
	{ "CANCELED", HMC_JOB_CANCELED },
	{ "CANCELLED", HMC_JOB_CANCELED },
};

enum hmc_job_status
hmc_job_status_parse(const char *text)
{
	size_t i, len;

	if (!text)
		return HMC_JOB_OTHER_TERMINAL;
	while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n')
		text++;
	len = strlen(text);
	while (len > 0 && strchr(" \t\r\n", text[len - 1]))
		len--;
	for (i = 0; i < sizeof(status_map) / sizeof(status_map[0]); i++)
		if (strlen(status_map[i].text) == len &&
		    strncasecmp(status_map[i].text, text, len) == 0)
			return status_map[i].status;
	/* Any other CANCELED_* variant is still a cancel. */
	if (strncasecmp(text, "CANCELED_", 9) == 0 || strncasecmp(text, "CANCELLED_", 10) == 0)
		return HMC_JOB_CANCELED;
	return HMC_JOB_OTHER_TERMINAL;
}

const char *
hmc_job_status_name(enum hmc_job_status s)
{
	switch (s) {
	case HMC_JOB_NOT_STARTED:               return "NOT_STARTED";
	case HMC_JOB_RUNNING:                   return "RUNNING";
	case HMC_JOB_COMPLETED_OK:              return "COMPLETED_OK";
	case HMC_JOB_COMPLETED_WITH_WARNINGS:   return "COMPLETED_WITH_WARNINGS";
	case HMC_JOB_COMPLETED_WITH_ERROR:      return "COMPLETED_WITH_ERROR";
	case HMC_JOB_FAILED_BEFORE_COMPLETION:  return "FAILED_BEFORE_COMPLETION";
	case HMC_JOB_CANCELED:                  return "CANCELED";
	case HMC_JOB_OTHER_TERMINAL:            return "OTHER_TERMINAL";
	}
	return "OTHER_TERMINAL";
}
