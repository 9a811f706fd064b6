/* tscale — the --time-scale knob shared by ksysd, hmcsim and the agent.
 *
 * Every interval a program arms is tscale_secs(real_seconds): the real value
 * divided by the scale (default 1).  Thresholds compared with elapsed time are
 * scaled the same way, so a 90 s detection window runs in 9 s at scale 10.
 * Not for wall-clock timestamps written to logs or to the HMC wire.
 */
#ifndef KSYS_TSCALE_H
#define KSYS_TSCALE_H

/* Parse and set the scale from a command-line word; 0 or -1 with err
 * ("--time-scale must be a number between 0.01 and 1000, got 'x'"). */
int tscale_parse(const char *word, char *err, unsigned long errlen);
void tscale_set(double scale);
double tscale_get(void);
/* real seconds -> seconds to arm on the loop */
double tscale_secs(double real_seconds);

#endif
