-- The default hmcsim topology: what `hmcsim` serves without -c.
--
-- Two HMCs both manage four hosts; each host has two VIOSs and ten client
-- LPARs (names in the style of the Redbook's lab: host rt11, VIOSs rt11v1 and
-- rt11v2, LPARs rt11001...).  The built-in copy in topo.c must describe the
-- same estate; the test suite compares the two (`hmcsim ctl ... show`).
--
-- Run `hmcsim -t -c contrib/hmcsim/topologies/default.lua` to check a copy
-- you edited.  See hmcsim(1) for every function and key.

hmc{ name = "hmc1", user = "hscroot", password = "abc123" }
hmc{ name = "hmc2", user = "hscroot", password = "abc123" }

local hosts = {
	{ name = "rt11", mtms = "8286-42A*0607585", proc = 24, mem_gb = 512 },
	{ name = "rt12", mtms = "8286-42A*2100E5W", proc = 24, mem_gb = 512 },
	{ name = "rt13", mtms = "9009-42A*21E0B2V", proc = 24, mem_gb = 1024 },
	{ name = "rt14", mtms = "9080-M9S*7830E2X", proc = 48, mem_gb = 2048 },
}

for _, h in ipairs(hosts) do
	host{ name = h.name, mtms = h.mtms, proc = h.proc, mem_gb = h.mem_gb,
	      hmcs = { "hmc1", "hmc2" } }
end

-- Processing units and memory (GB) of the ten LPARs of a host; each host
-- starts at a different place in the lists.
local procs = { 0.5, 1.0, 2.0, 0.75, 4.0, 1.5, 0.5, 2.5, 1.0, 3.0 }
local mems = { 8, 16, 4, 32, 12, 64, 8, 24, 16, 48 }
local stopped = { rt12007 = true, rt14004 = true }
local vioses = {}

for k, h in ipairs(hosts) do
	for v = 1, 2 do
		local name = h.name .. "v" .. v
		vios{ name = name, host = h.name, proc = 1.0, mem_gb = 8 }
		vioses[#vioses + 1] = name
	end
	for i = 1, 10 do
		local name = string.format("%s%03d", h.name, i)
		local j = (i - 1 + (k - 1) * 3) % 10 + 1
		lpar{ name = name, host = h.name, proc = procs[j], mem_gb = mems[j],
		      state = stopped[name] and "not activated" or "running" }
	end
end

-- Every partition reports its OperatingSystemVersion: "VIOS 3.1.0.00" for
-- the VIOSs and "AIX 7.2 7200-04-01-1939" for the LPARs here; vios{} and
-- lpar{} take os_version = "..." to change it, and lpar{} takes
-- rmc = "inactive" for a partition the HMC has no RMC connection to.

-- Shared disks seen by every VIOS: the CAA repository disk and the HA disk.
-- Each VIOS lists them as hdisk1 and hdisk2, after its own boot disk hdisk0.
disk{ id = "6005076801810179D000000000000A01", size_gb = 20, vioses = vioses }
disk{ id = "6005076801810179D000000000000A02", size_gb = 10, vioses = vioses }

-- Operation durations in seconds (divided by --time-scale); these are the
-- defaults, written out so they are easy to change.
timing{ job_start = 0.2, power_on = 3, power_off = 2, remote_restart = 5,
        migrate = 10, migrate_validate = 2, passthrough = 1 }

-- A scripted failure would look like this:
-- timeline{ { at = 60, fault = "host-power-off", target = "rt12" },
--           { at = 300, clear = "host-power-off", target = "rt12" } }
