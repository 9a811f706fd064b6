/* passthru — VIOS end of PassThroughInterface (see passthru.h).
 *
 * For now every request gets the empty reply the VIOS gives for a request it
 * has nothing to report on; the vioHADR2 dispatch (QUERY, NEEDS_ATTENTION,
 * ACK, ADD_MS, ...) plugs in here.
 */
#include "passthru.h"

#include <string.h>

#include "log.h"

int
simjob_passthrough(struct world *w, struct sim_lpar *vios, const char *input_xml,
                   struct buf *stdout_out, int *cmd_rc)
{
	(void)w;
	log_msg(LOGL_DEBUG, "passthru", "event=request vios=%s bytes=%zu", vios->name,
	        input_xml ? strlen(input_xml) : (size_t)0);
	buf_puts(stdout_out, "<VIO><Response>\n</Response></VIO>");
	*cmd_rc = 0;
	return 0;
}
