package io.github.drkit.spring.app;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Exposes {@link RoutingProbe} over HTTP. */
@RestController
public class RoutingController {

    private final RoutingProbe probe;

    RoutingController(RoutingProbe probe) {
        this.probe = probe;
    }

    @GetMapping("/routing/read-only")
    public String readOnly() {
        return probe.readOnlyTransaction();
    }

    @GetMapping("/routing/read-write")
    public String readWrite() {
        return probe.readWriteTransaction();
    }

    @GetMapping("/routing/none")
    public String none() {
        return probe.noTransaction();
    }
}
