/* action — long-running operations of ksysd (discovery, verification, LPM
 * validation, ...): an id, output lines, followers, an end status.
 *
 * Every line an action produces is kept in ksys.db (action and action_line
 * tables) and sent to each follower: the ksysmgr that started it and any
 * `ksysmgr query action ID monitor=yes` attached later, which first gets the
 * lines so far.  A follower going away (its ksysmgr killed) does not stop the
 * action.  Actions still running when ksysd died are marked "interrupted" at
 * the next start.  Not for deciding anything: engines (disc.c, ...) drive
 * actions; this module only records and fans out.
 */
#ifndef KSYS_ACTION_H
#define KSYS_ACTION_H

#include <stddef.h>
#include <stdint.h>

#include "cmd.h"

struct ev_loop;
struct store;
struct actions;
struct action;

/* Actions kept in the store: older ended ones are pruned past this. */
#define ACTION_KEEP 200

/* Marks actions left running by a previous ksysd as interrupted.  NULL with
 * err on failure.  The registry must outlive every action it started. */
struct actions *actions_new(struct ev_loop *loop, struct store *store,
                            char *err, size_t errlen);
/* Ends every running action with status CMD_REFUSED and state "interrupted"
 * ("ksysd is stopping"), ends every follower, frees. */
void actions_free(struct actions *as);

/* Starts an action of kind ("discover", "verify", "lpm_validate") on object
 * (a host group or VM list).  first (may be NULL) becomes the first follower:
 * it gets every line and the end.  NULL with err when the store refused. */
struct action *action_start(struct actions *as, const char *kind, const char *object,
                            const struct cmd_io *first, char *err, size_t errlen);
int64_t action_id(const struct action *a);
const char *action_kind(const struct action *a);
const char *action_object(const struct action *a);

/* Lines: 'O' result lines, 'E' errors, 'P' progress (shown with a leading
 * tab by convention of the Redbook; callers include the tab).  Each call may
 * carry several '\n'-separated lines. */
void action_printf(struct action *a, char stream, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Ends the action: state "done" (status CMD_OK) or "failed", every follower
 * gets io->end(status), the action is freed. */
void action_end(struct action *a, int status);

/* The running action of kind on object, or NULL (one discovery per host
 * group at a time). */
struct action *actions_find(struct actions *as, const char *kind, const char *object);
/* The running action with this id, or NULL. */
struct action *actions_get(struct actions *as, int64_t id);

/* Follow action id: replays its stored lines to io, then (monitor and the
 * action still running) streams the rest and ends io with the action's
 * status; otherwise ends io at once with the status it ended with (CMD_OK
 * for a running action followed without monitor).  -1 with err for an
 * unknown id. */
int actions_follow(struct actions *as, int64_t id, int monitor,
                   const struct cmd_io *io, char *err, size_t errlen);
/* The id of the newest action (running first), 0 if none. */
int64_t actions_latest(struct actions *as);

#endif
