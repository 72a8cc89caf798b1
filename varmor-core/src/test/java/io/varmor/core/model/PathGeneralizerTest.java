package io.varmor.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PathGeneralizerTest {
    @Test
    void varmorsTrimRulesApply() {
        assertEquals("/usr/lib/x86_64-linux-gnu/**", PathGeneralizer.generalize("/usr/lib/x86_64-linux-gnu/libc.so.6", true));
        assertEquals("/usr/lib/x86_64-linux-gnu/libc.so.6", PathGeneralizer.generalize("/usr/lib/x86_64-linux-gnu/libc.so.6", false));
        assertEquals("/tmp/**", PathGeneralizer.generalize("/tmp/a/b", false));
        assertEquals("/proc/*/status", PathGeneralizer.generalize("/proc/1234/status", true));
        assertEquals("/run/secrets/kubernetes.io/serviceaccount/**",
                PathGeneralizer.generalize("/run/secrets/kubernetes.io/serviceaccount/..2026_11_26/token", true));
    }

    @Test
    void randomComponentsBecomeWildcards() {
        assertEquals("/var/cache/*/data", PathGeneralizer.generalize("/var/cache/3f2a9c0e-1b2c-4d5e-8f90-a1b2c3d4e5f6/data", true));
        assertEquals("/srv/blobs/*", PathGeneralizer.generalize("/srv/blobs/9f86d081884c7d659a2feaa0c55ad015", true));
        assertEquals("/var/log/app-*/x", PathGeneralizer.generalize("/var/log/app-5d9f7c8b6d-x2x4z/x", true));
        assertEquals("/var/spool/tmp.*", PathGeneralizer.generalize("/var/spool/tmp.QAAIvRbKqf", true));
        assertEquals("/data/orders/*.json", PathGeneralizer.generalize("/data/orders/48213.json", true));
    }

    @Test
    void ordinaryNamesStay() {
        for (String p : new String[] {"/etc/nginx/nginx.conf", "/usr/bin/python3.11", "/lib/libc.so.6", "/var/lib/dpkg/status",
            "/home/user/.ssh/known_hosts"}) {
            assertEquals(p, PathGeneralizer.generalize(p, true));
        }
    }
}
