-- lower the LPM hang limit for the scenario (default 86400 s)
return { lpm_hang_secs = 600 }
