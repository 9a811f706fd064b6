-- ksys/detect.lua — thresholds of the Failure Detection Engine.
--
-- Compiled into ksysd as text.  ksysd loads it in the Lua sandbox at start
-- and under -t; an administrator overrides single keys by returning a table
-- with just those keys from /etc/ksys/policy.d/detect.lua (unknown keys,
-- wrong types and values out of range are refused with the file's name).
-- Every time below is in seconds, and in scaled seconds when ksysd runs with
-- --time-scale, like missedHb and hmResponseSec in the HMs' replies.
-- "Redbook" is IBM VM Recovery Manager for IBM Power Systems, section 2.2.6,
-- "Failure Detection Engine".

return {
	-- VMthreshold, "hardcoded to a fix value of 50" in the Redbook.  A VM's
	-- failure detection time is VMFDT = host_failure_detection_time +
	-- k * vm_threshold, with k = 1, 2, 3 for vm_failure_detection_speed
	-- fast, normal, slow: 140 s at least, 190 s by default, 750 s at most.
	-- Allowed: 10..600.
	vm_threshold = 50,

	-- A VM whose LPAR has been "Migrating - Running" while its heartbeats
	-- were missing for longer than this raises VM_LPM_HANG_DETECTED
	-- (Redbook: "HBmissed is greater than 86400 (24 hours in seconds)").
	-- Allowed: 60..604800.
	lpm_hang_secs = 86400,

	-- A VM whose LPAR is Not Available, Error, Shutting Down, Hardware
	-- Discovery or Migrating - Not Activated raises VM_NONRESP_DETECTED once
	-- HBmissed > nonresp_factor * VMFDT (Redbook: "HBmissed > 2*FDT"; the
	-- FDT there is read as the VM's VMFDT).  Allowed: 1..10.
	nonresp_factor = 2,

	-- A Host Monitor whose hmResponseSec (seconds since it last wrote its
	-- own heartbeat to the HSDB) exceeds this counts as not responsive even
	-- while hmResponsive=1: the HM writes that heartbeat about every 30 s,
	-- so 90 s is three missed beats (and the smallest host failure
	-- detection time).  A silent HM raises VIOS_HM_NONRESP_DETECTED but is
	-- not by itself evidence of a VIOS or host failure: only a CAA DOWN
	-- state is (Redbook: the VIOS check starts when its state is DOWN).
	-- Allowed: 30..3600.
	hm_unresponsive_secs = 90,

	-- Current reference codes of a Running LPAR that mean "the operating
	-- system is up", so missing heartbeats mean the VM (or its agent) is
	-- hung and the VM is relocated (Redbook, VM relocation step 3):
	--   "0" or "" (empty)  AIX is fully started
	--   "Linux ppc64"      big-endian 64-bit Red Hat is started
	--   "Linux ppc64le"    little-endian 64-bit Red Hat is started
	--   "SUSE Linux"       SUSE Linux is started
	-- "00000000" is how the HMC REST API reports "0" (ksysd treats the two
	-- alike anyway).  Compared without case and surrounding blanks.  An
	-- override replaces the whole list.  At most 16 codes of at most 31
	-- characters each.
	os_up_refcodes = { "0", "", "00000000", "Linux ppc64", "Linux ppc64le", "SUSE Linux" },
}
