/* test_hmcxml — builders and parsers of the HMC REST XML codec (hmcxml.c,
 * hmc_types.c) against the hand-written documents in tests/data/hmc/ and
 * against hostile input.  Runs from the repository root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tap.h"
#include "buf.h"
#include "log.h"
#include "xmlu.h"
#include "hmcxml.h"

#define TESTDATA_DIR "tests/data/hmc/"
#include "../testdata.h"





static void
test_types(void)
{
	struct hmc_job_reply r;
	struct hmc_param p[2] = { { (char *)"StdOut", (char *)"<VIO/>" },
	                          { (char *)"result", (char *)"" } };

	is_int(hmc_job_status_parse("NOT_STARTED"), HMC_JOB_NOT_STARTED, "status NOT_STARTED");
	is_int(hmc_job_status_parse("RUNNING"), HMC_JOB_RUNNING, "status RUNNING");
	is_int(hmc_job_status_parse("COMPLETED_OK"), HMC_JOB_COMPLETED_OK, "status COMPLETED_OK");
	is_int(hmc_job_status_parse("COMPLETED"), HMC_JOB_COMPLETED_OK, "status COMPLETED counts as OK");
	is_int(hmc_job_status_parse("COMPLETED_WITH_WARNINGS"), HMC_JOB_COMPLETED_WITH_WARNINGS,
	       "status COMPLETED_WITH_WARNINGS");
	is_int(hmc_job_status_parse("COMPLETED_WITH_ERROR"), HMC_JOB_COMPLETED_WITH_ERROR,
	       "status COMPLETED_WITH_ERROR");
	is_int(hmc_job_status_parse("FAILED_BEFORE_COMPLETION"), HMC_JOB_FAILED_BEFORE_COMPLETION,
	       "status FAILED_BEFORE_COMPLETION");
	is_int(hmc_job_status_parse("CANCELED_BEFORE_START"), HMC_JOB_CANCELED, "CANCELED_BEFORE_START");
	is_int(hmc_job_status_parse("CANCELED_WHILE_RUNNING"), HMC_JOB_CANCELED, "CANCELED_WHILE_RUNNING");
	is_int(hmc_job_status_parse("FAILED_BEFORE_COMPLETION_RETRY"), HMC_JOB_OTHER_TERMINAL,
	       "unknown status is OTHER_TERMINAL");
	is_int(hmc_job_status_parse(""), HMC_JOB_OTHER_TERMINAL, "empty status is OTHER_TERMINAL");
	is_int(hmc_job_status_parse(NULL), HMC_JOB_OTHER_TERMINAL, "NULL status is OTHER_TERMINAL");
	is_int(hmc_job_status_parse(" running\n"), HMC_JOB_RUNNING, "status trimmed, any case");
	ok(!hmc_job_terminal(HMC_JOB_NOT_STARTED) && !hmc_job_terminal(HMC_JOB_RUNNING),
	   "NOT_STARTED and RUNNING are not terminal");
	ok(hmc_job_terminal(HMC_JOB_COMPLETED_OK) && hmc_job_terminal(HMC_JOB_CANCELED) &&
	   hmc_job_terminal(HMC_JOB_OTHER_TERMINAL), "everything else is terminal");
	is_str(hmc_job_status_name(HMC_JOB_FAILED_BEFORE_COMPLETION), "FAILED_BEFORE_COMPLETION",
	       "status name");
	is_str(hmc_job_status_name(HMC_JOB_OTHER_TERMINAL), "OTHER_TERMINAL", "status name other");

	memset(&r, 0, sizeof r);
	r.status = HMC_JOB_COMPLETED_WITH_WARNINGS;
	ok(hmc_job_succeeded(&r), "COMPLETED_WITH_WARNINGS succeeded");
	r.status = HMC_JOB_COMPLETED_WITH_ERROR;
	ok(!hmc_job_succeeded(&r), "COMPLETED_WITH_ERROR did not succeed");
	r.status = HMC_JOB_OTHER_TERMINAL;
	snprintf(r.status_text, sizeof r.status_text, "COMPLETED");
	ok(hmc_job_succeeded(&r), "text COMPLETED succeeded");
	r.results = p;
	r.n_results = 2;
	is_str(hmc_job_result(&r, "StdOut"), "<VIO/>", "hmc_job_result by name");
	is_str(hmc_job_result(&r, "result"), "", "hmc_job_result empty value");
	ok(hmc_job_result(&r, "stdout") == NULL, "hmc_job_result is exact");
}

static void
test_logon_builder(void)
{
	struct buf b = { 0 };
	char err[256] = "";
	xmlDocPtr doc;
	char t[128];

	hmcxml_logon_request(&b, "hscroot", "p<&>\"'w");
	ok(contains(buf_str(&b), "<LogonRequest xmlns=\"http://www.ibm.com/xmlns/systems/power/"
	            "firmware/web/mc/2012_10/\" schemaVersion=\"V1_1_0\">"), "logon root and namespace");
	ok(contains(buf_str(&b), "<Metadata>") && contains(buf_str(&b), "<Atom/>"),
	   "logon Metadata/Atom");
	ok(contains(buf_str(&b), "<UserID kb=\"CUR\" kxe=\"false\">hscroot</UserID>"), "logon UserID");
	ok(contains(buf_str(&b), "<Password kb=\"CUR\" kxe=\"false\">p&lt;&amp;&gt;&quot;&apos;w"
	            "</Password>"), "logon password escaped");
	doc = xmlu_parse(b.data, b.len, "built logon", err, sizeof err);
	ok(doc != NULL, "built logon parses (%s)", err);
	xmlu_path_text(xmlDocGetRootElement(doc), "Password", t, sizeof t);
	is_str(t, "p<&>\"'w", "password round-trips");
	xmlFreeDoc(doc);
	buf_free(&b);

	hmcxml_logon_request(&b, "a&b", "");
	ok(contains(buf_str(&b), ">a&amp;b</UserID>") && contains(buf_str(&b), "\"false\"></Password>"),
	   "user escaped, empty password");
	buf_free(&b);
}

static void
test_job_builder(void)
{
	const char *input = "<?xml version=\"1.0\"?><VIO version=\"2.00\"><Request "
	                    "action_str=\"VIO_HS_QUICK_QUERY\"/><x><![CDATA[inner]]></x> a]]>b & c</VIO>";
	struct hmc_param params[] = {
		{ (char *)"inputXML", (char *)input },
		{ (char *)"operation", (char *)"shut<down>&\"'" },
	};
	struct buf b = { 0 };
	char err[256] = "", op[64], group[64];
	xmlNodePtr root, p;
	xmlDocPtr doc;
	int n = 0, okname = 1;
	char *name, *value;

	hmcxml_job_request(&b, "PassThroughInterface", "VirtualIOServer", params, 2);
	ok(contains(buf_str(&b), "<JobRequest:JobRequest xmlns:JobRequest=\"http://www.ibm.com/"
	            "xmlns/systems/power/firmware/web/mc/2012_10/\" xmlns=\"http://www.ibm.com/"
	            "xmlns/systems/power/firmware/web/mc/2012_10/\""), "JobRequest root, both namespaces");
	ok(contains(buf_str(&b), "</JobRequest:JobRequest>"), "JobRequest closes");
	ok(contains(buf_str(&b), ">PassThroughInterface</OperationName>"), "OperationName");
	ok(contains(buf_str(&b), ">VirtualIOServer</GroupName>"), "GroupName");
	ok(contains(buf_str(&b), ">inputXML</ParameterName>"), "ParameterName inputXML");
	ok(contains(buf_str(&b), "<![CDATA[<?xml version=\"1.0\"?><VIO"), "inputXML as CDATA");
	ok(contains(buf_str(&b), ">shut&lt;down&gt;&amp;&quot;&apos;</ParameterValue>"),
	   "other parameter escaped");
	ok(!contains(buf_str(&b), "a]]>b &"), "no raw ]]> left inside the CDATA");

	doc = xmlu_parse(b.data, b.len, "built job request", err, sizeof err);
	ok(doc != NULL, "built JobRequest parses (%s)", err);
	root = xmlDocGetRootElement(doc);
	ok(xmlu_is(root, "JobRequest"), "root local name JobRequest");
	for (p = xmlu_path(root, "JobParameters/JobParameter"); p; p = xmlu_next(p, "JobParameter")) {
		name = xmlu_text_dup(xmlu_child(p, "ParameterName"));
		value = xmlu_text_dup(xmlu_child(p, "ParameterValue"));
		if (n < 2) {
			okname &= strcmp(name, params[n].name) == 0;
			is_str(value, params[n].value, "round trip value of %s", params[n].name);
		}
		free(name);
		free(value);
		n++;
	}
	is_int(n, 2, "two JobParameters round-trip");
	ok(okname, "parameter names round-trip in order");
	xmlFreeDoc(doc);

	ok(hmcxml_parse_job_template(b.data, b.len, "built", op, sizeof op, group, sizeof group,
	                             err, sizeof err) == 0, "bare JobRequest reads as a template");
	is_str(op, "PassThroughInterface", "template op from bare JobRequest");
	is_str(group, "VirtualIOServer", "template group from bare JobRequest");
	buf_free(&b);

	hmcxml_job_request(&b, "PowerOn", "LogicalPartition", NULL, 0);
	ok(!contains(buf_str(&b), "<JobParameter ") && contains(buf_str(&b), "<JobParameters "),
	   "no parameters: empty JobParameters");
	doc = xmlu_parse(b.data, b.len, "built job request 2", err, sizeof err);
	ok(doc != NULL, "parameterless JobRequest parses");
	xmlFreeDoc(doc);
	buf_free(&b);
}

static void
test_logon_parser(void)
{
	char err[256] = "", *tok = NULL, *doc, *bad;
	const char *lit;
	size_t len;

	doc = slurp("logon_response.xml", &len);
	ok(hmcxml_parse_logon(doc, len, "logon reply from hmc1", &tok, err, sizeof err) == 0,
	   "logon parses (%s)", err);
	is_str(tok, "kSysTestTokenA1b2C3d4E5f6G7h8I9j0_kLmNoPqRsTuVwXyZ-0123456789"
	       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_Zz9Yy8Xx7"
	       "Ww6Vv5Uu4Tt3Ss2Rr1Qq0=", "token with all whitespace removed");
	free(tok);

	bad = replace(doc, "Ww6Vv5Uu4Tt3Ss2Rr1Qq0=", "Ww6\xc3\xa9");
	tok = (char *)1;
	ok(hmcxml_parse_logon(bad, strlen(bad), "logon reply from hmc1", &tok, err, sizeof err) == -1
	   && tok == NULL, "non-ASCII token refused");
	ok(contains(err, "logon reply from hmc1: X-API-Session"), "error names input: %s", err);
	free(bad);

	bad = replace(doc, "X-API-Session", "X-API-Other");
	ok(hmcxml_parse_logon(bad, strlen(bad), "logon reply", &tok, err, sizeof err) == -1,
	   "missing token refused");
	ok(contains(err, "X-API-Session"), "error names the element: %s", err);
	free(bad);
	free(doc);

	lit = "<LogonResponse><X-API-Session>  \n </X-API-Session></LogonResponse>";
	ok(hmcxml_parse_logon(lit, strlen(lit), "logon", &tok, err, sizeof err) == -1 &&
	   contains(err, "empty"), "blank token refused: %s", err);
	ok(hmcxml_parse_logon("", 0, "logon", &tok, err, sizeof err) == -1, "empty logon body refused");
	ok(hmcxml_parse_logon(NULL, 0, "logon", &tok, err, sizeof err) == -1, "NULL logon body refused");
}

static void
parse_job_file(const char *name, struct hmc_job_reply *r)
{
	char err[256] = "";
	size_t len;
	char *doc = slurp(name, &len);

	ok(hmcxml_parse_job(doc, len, name, r, err, sizeof err) == 0, "%s parses (%s)", name, err);
	free(doc);
}

static void
test_job_parser(void)
{
	struct hmc_job_reply r;
	char err[256], op[32], group[32], *doc, *bad;
	const char *so;
	size_t len;

	parse_job_file("job_submit_not_started.xml", &r);
	is_str(r.job_id, "1772446502120", "submit: JobID");
	is_int(r.status, HMC_JOB_NOT_STARTED, "submit: NOT_STARTED");
	is_str(r.status_text, "NOT_STARTED", "submit: status text");
	ok(!hmc_job_terminal(r.status), "submit: not terminal");
	is_str(r.target_uuid, "2A6F4C1E-93B7-4D08-A5E2-7C1B9F3D6E01", "submit: TargetUuid");
	is_int(r.time_started, 0, "submit: TimeStarted 0");
	is_int(r.n_results, 0, "submit: no results (JobRequestInstance parameters ignored)");
	ok(r.error == NULL, "submit: no error");
	is_str(r.progress_key, "", "submit: no progress key");
	hmc_job_reply_clear(&r);

	parse_job_file("job_running.xml", &r);
	is_int(r.status, HMC_JOB_RUNNING, "running: RUNNING");
	is_str(r.progress_key, "PERFORMPASSTHROUGHAPI_INPROGRESS", "running: CurrentState MessageKey");
	is_int(r.time_started, 1772446502131LL, "running: TimeStarted epoch ms");
	hmc_job_reply_clear(&r);

	parse_job_file("job_completed_ok.xml", &r);
	is_int(r.status, HMC_JOB_COMPLETED_OK, "ok: COMPLETED_OK");
	ok(hmc_job_succeeded(&r) && hmc_job_terminal(r.status), "ok: succeeded and terminal");
	is_int(r.time_completed, 1772446502257LL, "ok: TimeCompleted");
	is_int(r.n_results, 3, "ok: three results");
	so = hmc_job_result(&r, "StdOut");
	ok(so && strncmp(so, "<VIO><Response>\n<quickQuery>", 28) == 0, "ok: StdOut unescaped");
	ok(contains(so, "hmResponseSec='2' hasData='0'"), "ok: StdOut keeps both quote styles");
	ok(contains(so, "</Response></VIO>"), "ok: StdOut complete");
	is_str(hmc_job_result(&r, "RMCReturnCode"), "0", "ok: RMCReturnCode");
	is_str(hmc_job_result(&r, "CMDReturnCode"), "0", "ok: CMDReturnCode");
	ok(r.error == NULL, "ok: no error");
	hmc_job_reply_clear(&r);
	ok(r.results == NULL && r.n_results == 0 && r.error == NULL, "clear empties the reply");

	parse_job_file("job_completed_with_error.xml", &r);
	is_int(r.status, HMC_JOB_COMPLETED_WITH_ERROR, "error: COMPLETED_WITH_ERROR");
	ok(!hmc_job_succeeded(&r) && hmc_job_terminal(r.status), "error: failed and terminal");
	is_str(r.job_id, "1772446502133", "error: JobID despite duplicate SELF links");
	is_str(hmc_job_result(&r, "returnCode"), "1", "error: returnCode");
	is_str(r.error, "HSCL1558 The partition db01 is already in the Not Activated state & "
	       "cannot be powered off.", "error: 'result' text, unescaped and trimmed");
	hmc_job_reply_clear(&r);

	parse_job_file("job_failed_before_completion.xml", &r);
	is_int(r.status, HMC_JOB_FAILED_BEFORE_COMPLETION, "exception: FAILED_BEFORE_COMPLETION");
	is_int(r.n_results, 0, "exception: empty Results");
	is_str(r.error, "Required parameter Operation is missing for job RemoteRestart",
	       "exception: ResponseException/Message");
	hmc_job_reply_clear(&r);

	doc = slurp("job_completed_ok.xml", &len);
	bad = replace(doc, ">COMPLETED_OK<", ">CANCELED_WHILE_RUNNING<");
	ok(hmcxml_parse_job(bad, strlen(bad), "j", &r, err, sizeof err) == 0 &&
	   r.status == HMC_JOB_CANCELED, "CANCELED_WHILE_RUNNING maps to CANCELED");
	hmc_job_reply_clear(&r);
	free(bad);
	bad = replace(doc, ">COMPLETED_OK<", ">SOMETHING_NEW<");
	ok(hmcxml_parse_job(bad, strlen(bad), "j", &r, err, sizeof err) == 0 &&
	   r.status == HMC_JOB_OTHER_TERMINAL && strcmp(r.status_text, "SOMETHING_NEW") == 0 &&
	   !hmc_job_succeeded(&r), "unknown status: OTHER_TERMINAL, text kept, not success");
	hmc_job_reply_clear(&r);
	free(bad);
	bad = replace(doc, ">COMPLETED_OK<", ">COMPLETED<");
	ok(hmcxml_parse_job(bad, strlen(bad), "j", &r, err, sizeof err) == 0 &&
	   hmc_job_succeeded(&r), "COMPLETED succeeds");
	hmc_job_reply_clear(&r);
	free(bad);
	bad = replace(doc, "<JobID kxe=\"false\" kb=\"ROR\">1772446502120</JobID>", "");
	ok(hmcxml_parse_job(bad, strlen(bad), "job from hmc1", &r, err, sizeof err) == -1 &&
	   contains(err, "job from hmc1: ") && contains(err, "JobID"), "missing JobID: %s", err);
	free(bad);
	bad = replace(doc, ">1772446502120</JobID>", ">../../web/Logon</JobID>");
	ok(hmcxml_parse_job(bad, strlen(bad), "job", &r, err, sizeof err) == -1 &&
	   contains(err, "not a job id"), "path-like JobID refused: %s", err);
	ok(r.results == NULL && r.error == NULL, "failed parse leaves nothing to free");
	free(bad);
	bad = replace(doc, "<Status kb=\"ROR\" kxe=\"false\">COMPLETED_OK</Status>", "");
	ok(hmcxml_parse_job(bad, strlen(bad), "job", &r, err, sizeof err) == -1 &&
	   contains(err, "Status"), "missing Status: %s", err);
	free(bad);
	bad = replace(doc, ">1772446502257<", ">soon<");
	ok(hmcxml_parse_job(bad, strlen(bad), "job", &r, err, sizeof err) == 0 &&
	   r.time_completed == 0, "garbage TimeCompleted left 0");
	hmc_job_reply_clear(&r);
	free(bad);
	free(doc);

	doc = slurp("job_template_poweroff.xml", &len);
	ok(hmcxml_parse_job_template(doc, len, "template", op, sizeof op, group, sizeof group,
	                             err, sizeof err) == 0, "template parses (%s)", err);
	is_str(op, "PowerOff", "template OperationName");
	is_str(group, "LogicalPartition", "template GroupName");
	free(doc);
	doc = slurp("job_completed_ok.xml", &len);
	ok(hmcxml_parse_job_template(doc, len, "template from hmc1", op, sizeof op, group,
	                             sizeof group, err, sizeof err) == -1 &&
	   contains(err, "template from hmc1: no JobRequest"), "JobResponse is not a template: %s", err);
	ok(hmcxml_parse_job(doc, len / 2, "half job", &r, err, sizeof err) == -1 &&
	   contains(err, "half job"), "truncated job refused: %s", err);
	free(doc);
}

static void
test_ms_feed(void)
{
	struct hmc_ms *ms = NULL;
	size_t n = 0, len;
	char err[256] = "", *doc, *bad;

	doc = slurp("managedsystem_feed.xml", &len);
	ok(hmcxml_parse_ms_feed(doc, len, "ManagedSystem feed from hmc1", &ms, &n, err,
	                        sizeof err) == 0, "ms feed parses (%s)", err);
	is_int(n, 2, "ms feed: 2 entries");
	if (n == 2) {
		is_str(ms[0].uuid, "7b0e2f4a-8c1d-3e5f-9a26-1c4d8e7f0a31", "ms0 uuid from entry id");
		is_str(ms[0].name, "cec-alpha", "ms0 SystemName");
		is_str(ms[0].state, "operating", "ms0 State");
		is_str(ms[0].detailed_state, "None", "ms0 DetailedState");
		is_str(ms[0].ip, "192.0.2.11", "ms0 PrimaryIPAddress");
		is_str(ms[0].mtms.type, "9009", "ms0 MachineType");
		is_str(ms[0].mtms.model, "42A", "ms0 Model");
		is_str(ms[0].mtms.serial, "78KS001", "ms0 SerialNumber");
		ok(ms[0].proc_installed == 20 && ms[0].proc_configurable == 20, "ms0 proc units");
		ok(ms[0].proc_avail > 7.59 && ms[0].proc_avail < 7.61, "ms0 avail proc 7.6");
		is_int(ms[0].mem_installed_mb, 1048576, "ms0 installed memory");
		is_int(ms[0].mem_configurable_mb, 1048576, "ms0 configurable memory");
		is_int(ms[0].mem_avail_mb, 655360, "ms0 available memory");
		is_int(ms[0].srr_capable, 1, "ms0 SRR capable");
		is_int(ms[0].n_vios, 2, "ms0 two VIOS links");
		is_int(ms[0].n_lpars, 2, "ms0 two LPAR links");
		if (ms[0].n_vios == 2 && ms[0].n_lpars == 2) {
			is_str(ms[0].vios_uuids[0], "2A6F4C1E-93B7-4D08-A5E2-7C1B9F3D6E01", "ms0 vios 0");
			is_str(ms[0].vios_uuids[1], "3B7E5D2F-A4C8-4E19-B6F3-8D2CA04E7F12", "ms0 vios 1");
			is_str(ms[0].lpar_uuids[1], "72F3B5D9-1C4E-4F60-9B82-D3E4F5A6B7C8", "ms0 lpar 1");
		}
		is_str(ms[1].uuid, "5f3c9d21-6a7b-3c8e-b4f1-2e9a7d6c5b40", "ms1 uuid");
		is_str(ms[1].state, "power off in progress", "ms1 state with blanks");
		ok(ms[1].proc_configurable == 500 && ms[1].proc_avail == 498.25, "ms1 integer and decimal units");
		is_int(ms[1].mem_installed_mb, 5242880, "ms1 memory");
		is_int(ms[1].srr_capable, 0, "ms1 SRR not capable");
		is_int(ms[1].n_lpars, 1, "ms1 one LPAR link");
	}
	hmcxml_free_ms(ms, n);

	/* A ManagedSystem document that is not in any feed (bare root). */
	{
		const char *bare = "<ManagedSystem xmlns='urn:x'><Metadata><Atom><AtomID>"
		                   "aa-bb</AtomID></Atom></Metadata><SystemName>x</SystemName>"
		                   "</ManagedSystem>";
		ok(hmcxml_parse_ms_feed(bare, strlen(bare), "bare", &ms, &n, err, sizeof err) == 0 &&
		   n == 1 && strcmp(ms[0].uuid, "aa-bb") == 0 && ms[0].srr_capable == -1 &&
		   ms[0].n_vios == 0, "bare ManagedSystem: AtomID, defaults");
		hmcxml_free_ms(ms, n);
	}

	/* Entry without id, AtomID or SELF link: error naming the entry. */
	bad = replace(doc, "<id>5f3c9d21-6a7b-3c8e-b4f1-2e9a7d6c5b40</id>", "");
	free(doc);
	doc = replace(bad, "<AtomID>5f3c9d21-6a7b-3c8e-b4f1-2e9a7d6c5b40</AtomID>", "");
	free(bad);
	bad = replace(doc, "<link rel=\"SELF\" href=\"https://hmc1.example.test:12443/rest/api/uom/"
	              "ManagedSystem/5f3c9d21-6a7b-3c8e-b4f1-2e9a7d6c5b40\"/>", "");
	ms = (struct hmc_ms *)1;
	ok(hmcxml_parse_ms_feed(bad, strlen(bad), "ManagedSystem feed from hmc1", &ms, &n, err,
	                        sizeof err) == -1 && ms == NULL && n == 0, "ms entry without UUID refused");
	is_str(err, "ManagedSystem feed from hmc1: entry 2: ManagedSystem UUID missing (no entry id, "
	       "Metadata/Atom/AtomID or SELF link)", "error names entry and element");
	free(bad);
	ok(hmcxml_parse_ms_feed(doc, strlen(doc), "ms", &ms, &n, err, sizeof err) == 0 && n == 2 &&
	   strcmp(ms[1].uuid, "5f3c9d21-6a7b-3c8e-b4f1-2e9a7d6c5b40") == 0, "falls back to SELF link");
	hmcxml_free_ms(ms, n);
	free(doc);

	doc = slurp("managedsystem_entry_selflinks.xml", &len);
	ok(hmcxml_parse_ms_feed(doc, len, "ms entry", &ms, &n, err, sizeof err) == 0 && n == 1,
	   "single ms entry parses (%s)", err);
	if (n == 1) {
		is_str(ms[0].uuid, "5f3c9d21-6a7b-3c8e-b4f1-2e9a7d6c5b40",
		       "uuid from the good SELF link, garbage one ignored");
		is_str(ms[0].state, "no connection", "entry state");
		is_int(ms[0].n_vios, 1, "garbage VIOS links skipped");
		is_int(ms[0].n_lpars, 0, "no LPAR links");
		is_int(ms[0].mem_installed_mb, 0, "missing memory left 0");
	}
	hmcxml_free_ms(ms, n);
	free(doc);

	ok(hmcxml_parse_ms_feed("", 0, "ms", &ms, &n, err, sizeof err) == 0 && n == 0 && ms == NULL,
	   "204 empty body: empty ms feed");
	{
		const char *empty = "<feed xmlns='http://www.w3.org/2005/Atom'><id>x</id></feed>";

		ok(hmcxml_parse_ms_feed(empty, strlen(empty), "ms", &ms, &n, err, sizeof err) == 0 && n == 0,
		   "feed without entries: empty");
		free(ms);
	}
}

static void
test_lpar_feed(void)
{
	struct hmc_lpar *l = NULL;
	size_t n = 0, len;
	char err[256] = "", *doc, *bad, *bad2;

	doc = slurp("logicalpartition_feed.xml", &len);
	ok(hmcxml_parse_lpar_feed(doc, len, "LogicalPartition feed from hmc1", &l, &n, err,
	                          sizeof err) == 0, "lpar feed parses (%s)", err);
	is_int(n, 3, "lpar feed: 3 entries");
	if (n == 3) {
		is_str(l[0].uuid, "61E2A4C8-0B3D-4E5F-8A71-C2D3E4F5A6B7", "lpar0 PartitionUUID");
		is_int(l[0].id, 3, "lpar0 PartitionID");
		is_str(l[0].name, "app01", "lpar0 name");
		is_str(l[0].type, "AIX/Linux", "lpar0 type");
		is_str(l[0].state, "running", "lpar0 state");
		is_str(l[0].refcode, "Linux ppc64", "lpar0 refcode");
		is_str(l[0].rmc_state, "active", "lpar0 rmc state");
		is_str(l[0].rmc_ip, "192.0.2.101", "lpar0 rmc ip");
		is_str(l[0].boot_mode, "norm", "lpar0 boot mode");
		is_str(l[0].rr_state, "Remote_Restartable", "lpar0 rr state");
		is_str(l[0].ms_uuid, "7b0e2f4a-8c1d-3e5f-9a26-1c4d8e7f0a31", "lpar0 ms uuid from href");
		is_int(l[0].is_vios, 0, "lpar0 not a VIOS");
		is_int(l[0].srr_capable, 1, "lpar0 SRR capable");
		is_int(l[0].dedicated, 0, "lpar0 shared");
		ok(l[0].proc_desired == 0.5 && l[0].proc_min == 0.1 && l[0].proc_max == 2,
		   "lpar0 processing units");
		is_int(l[0].vcpu_desired, 2, "lpar0 virtual processors");
		ok(l[0].mem_desired_mb == 8192 && l[0].mem_min_mb == 2048 &&
		   l[0].mem_max_mb == 16384 && l[0].mem_current_mb == 8192, "lpar0 memory");

		is_str(l[1].state, "not activated", "lpar1 state");
		is_int(l[1].dedicated, 1, "lpar1 dedicated");
		ok(l[1].proc_desired == 4 && l[1].proc_min == 1 && l[1].proc_max == 8,
		   "lpar1 dedicated processors");
		is_int(l[1].vcpu_desired, 4, "lpar1 vcpus = dedicated processors");
		is_str(l[1].rmc_ip, "", "lpar1 missing rmc ip is empty");

		is_str(l[2].state, "error", "lpar2 state");
		is_str(l[2].refcode, "B200F005 LP=00002", "lpar2 refcode");
		is_str(l[2].ms_uuid, "5f3c9d21-6a7b-3c8e-b4f1-2e9a7d6c5b40", "lpar2 on ms1");
		is_int(l[2].srr_capable, 0, "lpar2 SRR false");
		is_str(l[2].boot_mode, "", "lpar2 no boot mode");
		is_int(l[2].mem_current_mb, 0, "lpar2 missing CurrentMemory is 0");
		ok(l[2].proc_desired == 1.25, "lpar2 1.25 units");
	}
	free(l);

	/* The entry with no UUID is reported, not dropped. */
	bad = replace(doc, "<PartitionUUID kxe=\"false\" kb=\"ROO\">72F3B5D9-1C4E-4F60-9B82-"
	              "D3E4F5A6B7C8</PartitionUUID>", "");
	ok(hmcxml_parse_lpar_feed(bad, strlen(bad), "LogicalPartition feed from hmc1", &l, &n, err,
	                          sizeof err) == -1 && l == NULL && n == 0, "entry without UUID refused");
	is_str(err, "LogicalPartition feed from hmc1: entry 2: PartitionUUID missing",
	       "error names entry 2 and PartitionUUID");
	free(bad);
	bad = replace(doc, ">72F3B5D9-1C4E-4F60-9B82-D3E4F5A6B7C8</PartitionUUID>",
	              ">../../web/Logon</PartitionUUID>");
	ok(hmcxml_parse_lpar_feed(bad, strlen(bad), "lpars", &l, &n, err, sizeof err) == -1 &&
	   contains(err, "entry 2: PartitionUUID '../../web/Logon' is not a UUID"),
	   "path-like UUID refused: %s", err);
	free(bad);

	/* Garbage numbers are left at their defaults; the feed still parses. */
	bad = replace(doc, "<PartitionID kxe=\"false\" kb=\"COD\">3</PartitionID>",
	              "<PartitionID kxe=\"false\" kb=\"COD\">three</PartitionID>");
	bad2 = replace(bad, ">8192</DesiredMemory>", ">8GB</DesiredMemory>");
	free(bad);
	bad = replace(bad2, ">0.5</DesiredProcessingUnits>", ">0x10</DesiredProcessingUnits>");
	free(bad2);
	bad2 = replace(bad, ">2</DesiredVirtualProcessors>", ">99999999999999</DesiredVirtualProcessors>");
	free(bad);
	bad = replace(bad2, ">2</MaximumProcessingUnits>", ">nan</MaximumProcessingUnits>");
	free(bad2);
	bad2 = replace(bad, ">0.1</MinimumProcessingUnits>", ">1e999</MinimumProcessingUnits>");
	free(bad);
	bad = replace(bad2, ">true</SimplifiedRemoteRestartCapable>", ">maybe</SimplifiedRemoteRestartCapable>");
	free(bad2);
	ok(hmcxml_parse_lpar_feed(bad, strlen(bad), "lpars", &l, &n, err, sizeof err) == 0 && n == 3,
	   "garbage numbers do not fail the feed (%s)", err);
	if (n == 3) {
		is_int(l[0].id, 0, "garbage PartitionID left 0");
		is_int(l[0].mem_desired_mb, 0, "garbage memory left 0");
		ok(l[0].proc_desired == 0 && l[0].proc_max == 0 && l[0].proc_min == 0,
		   "hex, nan and overflowing units left 0");
		is_int(l[0].vcpu_desired, 0, "out of range int left 0");
		is_int(l[0].srr_capable, -1, "garbage boolean is unknown");
		is_int(l[0].mem_max_mb, 16384, "good neighbours still read");
	}
	free(l);
	free(bad);

	/* Wrong namespace URIs do not matter (local names do). */
	bad = replace(doc, "http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/",
	              "urn:example:not-the-uom-namespace");
	bad2 = replace(bad, "http://www.w3.org/2005/Atom", "urn:example:not-atom");
	ok(hmcxml_parse_lpar_feed(bad2, strlen(bad2), "lpars", &l, &n, err, sizeof err) == 0 &&
	   n == 3 && strcmp(l[2].name, "web01") == 0, "wrong namespace URIs still parse");
	free(l);
	free(bad);
	free(bad2);

	/* 1 MB attribute. */
	{
		struct buf big = { 0 };
		size_t i;

		buf_puts(&big, "https://hmc1/rest/api/uom/ManagedSystem/");
		for (i = 0; i < 1024 * 1024; i++)
			buf_putc(&big, 'a' + (char)(i % 26));
		bad = replace(doc, "https://hmc1.example.test:12443/rest/api/uom/ManagedSystem/"
		              "7b0e2f4a-8c1d-3e5f-9a26-1c4d8e7f0a31", buf_str(&big));
		ok(hmcxml_parse_lpar_feed(bad, strlen(bad), "lpars", &l, &n, err, sizeof err) == 0 &&
		   n == 3 && l[0].ms_uuid[0] == '\0' && strcmp(l[2].ms_uuid,
		   "5f3c9d21-6a7b-3c8e-b4f1-2e9a7d6c5b40") == 0, "1 MB href: ms_uuid empty, rest fine");
		free(l);
		free(bad);
		buf_reset(&big);
		buf_puts(&big, "<Junk x=\"");
		for (i = 0; i < 1024 * 1024; i++)
			buf_putc(&big, 'z');
		buf_puts(&big, "\"/><BootMode");
		bad2 = replace(doc, "<BootMode", buf_str(&big));
		ok(hmcxml_parse_lpar_feed(bad2, strlen(bad2), "lpars", &l, &n, err, sizeof err) == 0 &&
		   n == 3 && strcmp(l[1].boot_mode, "norm") == 0, "1 MB attribute on an unknown element");
		free(l);
		free(bad2);
		buf_free(&big);
	}

	/* Wrong document type. */
	free(doc);
	doc = slurp("managedsystem_feed.xml", &len);
	ok(hmcxml_parse_lpar_feed(doc, len, "LogicalPartition feed from hmc1", &l, &n, err,
	                          sizeof err) == -1, "ManagedSystem feed is not an LPAR feed");
	is_str(err, "LogicalPartition feed from hmc1: entry 1: no LogicalPartition or "
	       "VirtualIOServer in its content", "wrong type names entry 1");
	free(doc);
	doc = slurp("http_error.xml", &len);
	ok(hmcxml_parse_lpar_feed(doc, len, "lpars", &l, &n, err, sizeof err) == -1 &&
	   contains(err, "entry has no LogicalPartition"), "error entry is not an LPAR: %s", err);
	free(doc);
	bad = replace("<HttpErrorResponse><Message>x</Message></HttpErrorResponse>", "x", "y");
	ok(hmcxml_parse_lpar_feed(bad, strlen(bad), "lpars", &l, &n, err, sizeof err) == -1 &&
	   contains(err, "got <HttpErrorResponse>"), "bare foreign root refused: %s", err);
	free(bad);

	doc = slurp("logicalpartition_entry.xml", &len);
	ok(hmcxml_parse_lpar_feed(doc, len, "lpar entry", &l, &n, err, sizeof err) == 0 && n == 1,
	   "single prefixed entry parses (%s)", err);
	if (n == 1) {
		is_str(l[0].uuid, "61E2A4C8-0B3D-4E5F-8A71-C2D3E4F5A6B7", "entry uuid");
		is_int(l[0].id, 3, "entry PartitionID with blanks");
		is_str(l[0].state, "running", "entry state trimmed");
		is_str(l[0].ms_uuid, "7b0e2f4a-8c1d-3e5f-9a26-1c4d8e7f0a31", "href query dropped");
		is_int(l[0].srr_capable, -1, "missing SRR is unknown");
		is_int(l[0].dedicated, 0, "missing processor config: shared");
	}
	free(l);
	free(doc);

	ok(hmcxml_parse_lpar_feed("", 0, "lpars", &l, &n, err, sizeof err) == 0 && n == 0 && !l,
	   "204 empty body: empty lpar feed");
	ok(hmcxml_parse_lpar_feed(" \r\n", 3, "lpars", &l, &n, err, sizeof err) == 0 && n == 0,
	   "blank body: empty lpar feed");
}

static void
test_vios_feed(void)
{
	struct hmc_lpar *l = NULL;
	size_t n = 0, len;
	char err[256] = "", *doc;

	doc = slurp("virtualioserver_feed.xml", &len);
	ok(hmcxml_parse_lpar_feed(doc, len, "VirtualIOServer feed from hmc1", &l, &n, err,
	                          sizeof err) == 0, "vios feed parses (%s)", err);
	is_int(n, 2, "vios feed: 2 entries");
	if (n == 2) {
		is_str(l[0].uuid, "2A6F4C1E-93B7-4D08-A5E2-7C1B9F3D6E01", "vios0 uuid (not the mapping's)");
		is_str(l[0].name, "vios1-alpha", "vios0 name (not the mapping's)");
		is_int(l[0].is_vios, 1, "vios0 is_vios");
		is_str(l[0].type, "Virtual IO Server", "vios0 type");
		is_int(l[0].id, 1, "vios0 id");
		is_str(l[0].rmc_ip, "192.0.2.21", "vios0 rmc ip");
		is_str(l[0].ms_uuid, "7b0e2f4a-8c1d-3e5f-9a26-1c4d8e7f0a31", "vios0 ms");
		is_str(l[1].rmc_state, "busy", "vios1 rmc busy");
		ok(l[1].proc_desired == 0.75, "vios1 0.75 units");
		is_int(l[1].mem_max_mb, 12288, "vios1 max memory");
		is_int(l[1].srr_capable, -1, "vios SRR unknown");
	}
	free(l);
	free(doc);
}

#define UOM "http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/"
#define PV(name, udid, avail, cap) \
	"<PhysicalVolume schemaVersion=\"V1_8_0\"><Metadata><Atom/></Metadata>" \
	"<Description>MPIO IBM 2076 FC Disk</Description>" udid \
	"<AvailableForUsage>" avail "</AvailableForUsage>" \
	"<VolumeCapacity>" cap "</VolumeCapacity><VolumeName>" name "</VolumeName>" \
	"<VolumeUniqueID>332136005076802810426880000000000011004214503IBMfcp</VolumeUniqueID>" \
	"</PhysicalVolume>"
#define UDID1 "01M0lCTTIxNDUxMjQ2MDA1MDc2ODAyODEwNDI2ODgwMDAwMDAwMDAwMDExMA=="

/* PhysicalVolumes and OperatingSystemVersion of VIOS entries. */
static void
test_vios_pvs(void)
{
	static const char feed[] =
		"<feed xmlns=\"http://www.w3.org/2005/Atom\">"
		"<entry><id>2A6F4C1E-93B7-4D08-A5E2-7C1B9F3D6E01</id><content>"
		"<VirtualIOServer:VirtualIOServer xmlns:VirtualIOServer=\"" UOM "\" xmlns=\"" UOM "\">"
		"<OperatingSystemVersion kb=\"ROR\" kxe=\"false\">VIOS 3.1.0.00</OperatingSystemVersion>"
		"<PartitionUUID>2A6F4C1E-93B7-4D08-A5E2-7C1B9F3D6E01</PartitionUUID>"
		"<PartitionName>vios1</PartitionName><PartitionType>Virtual IO Server</PartitionType>"
		"<PhysicalVolumes kb=\"CUD\" kxe=\"false\" schemaVersion=\"V1_8_0\">"
		"<Metadata><Atom/></Metadata>"
		PV("hdisk0", "<UniqueDeviceID>01M0lCTTIxNDUBOOT0</UniqueDeviceID>", "false", "102400")
		PV("hdisk1", "<UniqueDeviceID>\n  " UDID1 "\n</UniqueDeviceID>", "true", "20480")
		PV("hdisk2", "", "true", "10240")
		PV("hdisk3", "<UniqueDeviceID>01M0lCTTIxNDUGARBAGE</UniqueDeviceID>", "maybe", "lots")
		"</PhysicalVolumes>"
		"<StoragePools><VolumeGroup><PhysicalVolumes>"
		PV("hdisk9", "<UniqueDeviceID>NESTED</UniqueDeviceID>", "true", "1")
		"</PhysicalVolumes></VolumeGroup></StoragePools>"
		"</VirtualIOServer:VirtualIOServer></content></entry>"
		"<entry><id>11111111-2222-4333-8444-555555555555</id><content>"
		"<VirtualIOServer:VirtualIOServer xmlns:VirtualIOServer=\"" UOM "\" xmlns=\"" UOM "\">"
		"<PartitionUUID>11111111-2222-4333-8444-555555555555</PartitionUUID>"
		"<PartitionName>vios2</PartitionName>"
		"<PhysicalVolumes>" PV("hdisk4", "<UniqueDeviceID>" UDID1 "</UniqueDeviceID>", "true",
		                       "20480") "</PhysicalVolumes>"
		"</VirtualIOServer:VirtualIOServer></content></entry>"
		"<entry><id>3D3DE3FA-5DD6-439D-BF4C-1835C340A9BD</id><content>"
		"<LogicalPartition:LogicalPartition xmlns:LogicalPartition=\"" UOM "\" xmlns=\"" UOM "\">"
		"<PartitionUUID>3D3DE3FA-5DD6-439D-BF4C-1835C340A9BD</PartitionUUID>"
		"<PartitionName>lpar1</PartitionName>"
		"<OperatingSystemVersion>AIX 7.2 7200-04-01-1939</OperatingSystemVersion>"
		"<PhysicalVolumes>" PV("hdisk7", "<UniqueDeviceID>CLIENTSIDE</UniqueDeviceID>", "true",
		                       "5") "</PhysicalVolumes>"
		"</LogicalPartition:LogicalPartition></content></entry></feed>";
	struct hmc_lpar *l = NULL;
	struct hmc_pv *pv = NULL;
	size_t n = 0, np = 0;
	char err[256] = "", *bad;

	ok(hmcxml_parse_lpar_feed_pvs(feed, sizeof feed - 1, "VirtualIOServer feed from hmc1", &l,
	                              &n, &pv, &np, err, sizeof err) == 0, "feed with disks parses (%s)",
	   err);
	is_int(n, 3, "3 partitions");
	if (n == 3) {
		is_str(l[0].os_version, "VIOS 3.1.0.00", "VIOS OperatingSystemVersion");
		is_str(l[2].os_version, "AIX 7.2 7200-04-01-1939", "LPAR OperatingSystemVersion");
		is_str(l[1].os_version, "", "absent OperatingSystemVersion: empty");
	}
	is_int(np, 4, "4 disks: the VIOSs' own, not the volume group's nor the LPAR's; one "
	       "without UniqueDeviceID skipped");
	if (np == 4) {
		is_str(pv[0].vios_uuid, "2A6F4C1E-93B7-4D08-A5E2-7C1B9F3D6E01", "disk 0 VIOS");
		is_str(pv[0].name, "hdisk0", "disk 0 name");
		is_int(pv[0].available, 0, "disk 0 in use");
		ok(pv[0].size_mb == 102400, "disk 0 capacity in MB");
		is_str(pv[1].udid, UDID1, "disk 1 UniqueDeviceID, trimmed");
		is_int(pv[1].available, 1, "disk 1 available");
		ok(pv[1].size_mb == 20480, "disk 1 20480 MB");
		is_str(pv[2].name, "hdisk3", "garbage values: disk kept");
		ok(pv[2].size_mb == 0 && pv[2].available == -1, "... capacity 0, availability "
		   "unknown");
		is_str(pv[3].vios_uuid, "11111111-2222-4333-8444-555555555555", "disk 3 on vios2");
		is_str(pv[3].udid, pv[1].udid, "a shared disk has one UDID on both VIOSs");
	}
	free(l);
	free(pv);

	l = NULL;
	ok(hmcxml_parse_lpar_feed(feed, sizeof feed - 1, "feed", &l, &n, err, sizeof err) == 0 &&
	   n == 3 && !strcmp(l[0].os_version, "VIOS 3.1.0.00"),
	   "hmcxml_parse_lpar_feed reads the same partitions, no disks");
	free(l);

	/* an error after disks were collected frees them */
	bad = strdup(feed);
	memcpy(strstr(bad, "<PartitionUUID>1111"), "<PartitionUUIX>1111", 19);
	memcpy(strstr(bad, "</PartitionUUID><PartitionName>vios2"), "</PartitionUUIX>", 16);
	pv = (struct hmc_pv *)1;
	np = 99;
	ok(hmcxml_parse_lpar_feed_pvs(bad, strlen(bad), "bad feed", &l, &n, &pv, &np, err,
	                              sizeof err) == -1 && !l && n == 0 && !pv && np == 0 &&
	   contains(err, "bad feed: entry 2: PartitionUUID missing"),
	   "error in entry 2: nothing handed back (%s)", err);
	free(bad);

	ok(hmcxml_parse_lpar_feed_pvs("", 0, "204", &l, &n, &pv, &np, err, sizeof err) == 0 &&
	   n == 0 && !pv && np == 0, "204: no partitions, no disks");
}

static void
test_console_feed(void)
{
	struct hmc_console *c = NULL;
	size_t n = 0, len;
	char err[256] = "", *doc, *bad;

	doc = slurp("managementconsole_feed.xml", &len);
	ok(hmcxml_parse_console_feed(doc, len, "ManagementConsole feed from hmc1", &c, &n, err,
	                             sizeof err) == 0 && n == 1, "console feed parses (%s)", err);
	if (n == 1) {
		is_str(c[0].uuid, "9e1d2c3b-4a59-3687-b7c6-d5e4f3a2b1c0", "console uuid");
		is_str(c[0].name, "hmc1", "console name");
		is_str(c[0].mtms.type, "7063", "console type");
		is_str(c[0].mtms.model, "CR2", "console model");
		is_str(c[0].mtms.serial, "78HMC01", "console serial");
		is_str(c[0].version, "V10R3 1030", "console version");
		is_int(c[0].n_ms, 2, "console manages 2 systems");
		if (c[0].n_ms == 2)
			is_str(c[0].ms_uuids[1], "5f3c9d21-6a7b-3c8e-b4f1-2e9a7d6c5b40", "console ms 1");
	}
	hmcxml_free_consoles(c, n);
	bad = replace(doc, "<Version kb=\"ROR\" kxe=\"false\">10</Version>", "");
	ok(hmcxml_parse_console_feed(bad, strlen(bad), "c", &c, &n, err, sizeof err) == 0 && n == 1 &&
	   strcmp(c[0].version, "V10R3 1030") == 0, "version falls back to BaseVersion");
	hmcxml_free_consoles(c, n);
	free(bad);
	ok(hmcxml_parse_console_feed("", 0, "c", &c, &n, err, sizeof err) == 0 && n == 0,
	   "204 empty console feed");
	free(doc);
}

static void
test_error_message(void)
{
	char *m, *doc, big[600];
	size_t len;

	doc = slurp("http_error.xml", &len);
	m = hmcxml_error_message(doc, len);
	ok(m && strncmp(m, "HSCL3205 VIOS vios2-alpha is busy", 33) == 0, "HttpErrorResponse Message");
	free(m);
	free(doc);
	m = hmcxml_error_message("<html><body>Bad\nGateway</body></html>", 37);
	is_str(m, "<html><body>Bad Gateway</body></html>", "non-error XML: body, control chars blanked");
	free(m);
	memset(big, 'x', sizeof big);
	big[0] = '\x01';
	m = hmcxml_error_message(big, sizeof big);
	ok(m && strlen(m) == 200 && m[0] == ' ', "garbage body: first 200 bytes");
	free(m);
	m = hmcxml_error_message(NULL, 0);
	ok(m && *m, "empty body gives a message: %s", m ? m : "");
	free(m);
	m = hmcxml_error_message("\0\0\0", 3);
	ok(m != NULL && strlen(m) == 3, "NUL bytes survive as blanks");
	free(m);
}

static void
test_hostile(void)
{
	static const char *const bomb =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		"]>\n<feed><entry><content><LogicalPartition><PartitionUUID>&lol3;</PartitionUUID>"
		"</LogicalPartition></content></entry></feed>";
	static const char *const xxe =
		"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<LogonResponse><X-API-Session>&x;</X-API-Session></LogonResponse>";
	static const char *const files[] = {
		"logon_response.xml", "job_completed_ok.xml", "managedsystem_feed.xml",
		"logicalpartition_feed.xml", "virtualioserver_feed.xml", "managementconsole_feed.xml",
		"job_template_poweroff.xml",
	};
	struct hmc_lpar *l = NULL;
	struct hmc_ms *ms = NULL;
	struct hmc_console *c = NULL;
	struct hmc_job_reply r;
	char err[256], *tok = NULL, *doc, op[8], group[8];
	size_t n, len, i, cut, fails = 0, tries = 0;
	struct buf b = { 0 };
	double t0, t1;

	ok(hmcxml_parse_lpar_feed(bomb, strlen(bomb), "lpars", &l, &n, err, sizeof err) == -1 &&
	   contains(err, "DOCTYPE"), "billion laughs refused: %s", err);
	ok(hmcxml_parse_logon(xxe, strlen(xxe), "logon", &tok, err, sizeof err) == -1 &&
	   contains(err, "DOCTYPE") && tok == NULL, "external entity refused: %s", err);

	/* Truncations of every document, at many points, for every parser. */
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		doc = slurp(files[i], &len);
		for (cut = 1; cut < len - 12; cut += len / 37 + 1) {
			tries++;
			fails += hmcxml_parse_logon(doc, cut, "t", &tok, err, sizeof err) == 0;
			fails += hmcxml_parse_job(doc, cut, "t", &r, err, sizeof err) == 0;
			fails += hmcxml_parse_job_template(doc, cut, "t", op, sizeof op, group,
			                                   sizeof group, err, sizeof err) == 0;
			fails += hmcxml_parse_ms_feed(doc, cut, "t", &ms, &n, err, sizeof err) == 0;
			fails += hmcxml_parse_lpar_feed(doc, cut, "t", &l, &n, err, sizeof err) == 0;
			fails += hmcxml_parse_console_feed(doc, cut, "t", &c, &n, err, sizeof err) == 0;
			free(hmcxml_error_message(doc, cut));
		}
		free(doc);
	}
	ok(tries > 100 && fails == 0, "%zu truncated documents all refused (%zu accepted)", tries, fails);
	ok(contains(err, "t: line "), "truncation error has line/col: %s", err);

	/* Deep nesting must not exhaust anything. */
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "<a>");
	ok(hmcxml_parse_ms_feed(b.data, b.len, "deep", &ms, &n, err, sizeof err) == -1,
	   "100000-deep document refused: %s", err);
	buf_free(&b);

	/* 10,000-entry feed. */
	buf_puts(&b, "<feed xmlns=\"http://www.w3.org/2005/Atom\">");
	for (i = 0; i < 10000; i++)
		buf_printf(&b, "<entry><id>%08zX-0000-4000-8000-000000000000</id><content type=\"x\">"
		           "<LogicalPartition xmlns=\"http://www.ibm.com/xmlns/systems/power/firmware/"
		           "uom/mc/2012_10/\"><PartitionUUID>%08zX-0000-4000-8000-000000000000"
		           "</PartitionUUID><PartitionID>%zu</PartitionID><PartitionName>lpar%zu"
		           "</PartitionName><PartitionState>running</PartitionState>"
		           "<PartitionMemoryConfiguration><DesiredMemory>4096</DesiredMemory>"
		           "</PartitionMemoryConfiguration><AssociatedManagedSystem href=\"https://h/"
		           "rest/api/uom/ManagedSystem/7b0e2f4a-8c1d-3e5f-9a26-1c4d8e7f0a31\"/>"
		           "</LogicalPartition></content></entry>", i, i, i % 1000 + 1, i);
	buf_puts(&b, "</feed>");
	t0 = now_s();
	ok(hmcxml_parse_lpar_feed(b.data, b.len, "big", &l, &n, err, sizeof err) == 0 && n == 10000,
	   "10000-entry feed parses (%s)", err);
	t1 = now_s();
	diag("10000-entry LPAR feed (%zu bytes) parsed in %.3f s", b.len, t1 - t0);
	ok(n == 10000 && strcmp(l[9999].name, "lpar9999") == 0 && l[9999].mem_desired_mb == 4096,
	   "last entry intact");
	free(l);
	buf_free(&b);
}

int
main(void)
{
	char err[128];

	xmlu_init();
	log_set_level("error", err, sizeof err);
	test_types();
	test_logon_builder();
	test_job_builder();
	test_logon_parser();
	test_job_parser();
	test_ms_feed();
	test_lpar_feed();
	test_vios_feed();
	test_vios_pvs();
	test_console_feed();
	test_error_message();
	test_hostile();
	return done_testing();
}
