package io.github.drkit.aws.runbook.internal;

import io.github.drkit.aws.AwsOperationException;
import io.github.drkit.aws.Route53Change;
import io.github.drkit.aws.Route53Failover;
import io.github.drkit.aws.Route53Record;
import io.github.drkit.aws.internal.AwsErrors;
import io.github.drkit.aws.runbook.RunbookContext;
import io.github.drkit.aws.runbook.RunbookStep;
import io.github.drkit.aws.runbook.StepObservation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * UPSERTs Route 53 records in one batch and waits until the change is {@code INSYNC}; it holds when
 * {@code ListResourceRecordSets} already shows every record as wanted. Not API.
 */
public final class Route53UpsertStep implements RunbookStep {

    private final Route53Client route53;
    private final Route53Failover dns;
    private final String zone;
    private final List<Route53Record> records;
    private final String target;

    /**
     * Creates the step.
     *
     * @param route53 the client, to read the records
     * @param dns submits the change and waits for {@code INSYNC}
     * @param zone the hosted zone id
     * @param records the records as they must be
     * @param target the region the records point to, for the name
     */
    public Route53UpsertStep(
            Route53Client route53, Route53Failover dns, String zone, List<Route53Record> records, String target) {
        this.route53 = Objects.requireNonNull(route53);
        this.dns = Objects.requireNonNull(dns);
        this.zone = zone.startsWith("/hostedzone/") ? zone.substring("/hostedzone/".length()) : zone;
        this.records = List.copyOf(records);
        this.target = Objects.requireNonNull(target);
    }

    @Override
    public String name() {
        return "Route 53 records -> " + target;
    }

    @Override
    public StepObservation observe(RunbookContext context) {
        List<String> seen = new ArrayList<>();
        List<String> change = new ArrayList<>();
        for (Route53Record wanted : records) {
            Optional<ResourceRecordSet> current = find(wanted);
            String now = current.map(Route53UpsertStep::describe).orElse("missing");
            seen.add(wanted.name() + " " + wanted.type()
                    + wanted.setIdentifier().map(s -> " [" + s + "]").orElse("") + " = " + now);
            if (current.isEmpty() || !matches(current.get(), wanted)) {
                change.add(wanted.name() + " " + wanted.type() + " -> " + describe(wanted));
            }
        }
        if (change.isEmpty()) {
            return StepObservation.holding(String.join("; ", seen));
        }
        return StepObservation.pending(
                String.join("; ", seen),
                "ChangeResourceRecordSets UPSERT in " + zone + ": " + String.join("; ", change)
                        + ", then wait for INSYNC");
    }

    @Override
    public String act(RunbookContext context) {
        String comment = ("drkit runbook -> " + target + " by "
                + context.request().operator() + ": " + context.request().reason());
        if (comment.length() > 256) {
            comment = comment.substring(0, 256);
        }
        Route53Change change = dns.upsertAndWait(zone, comment, records);
        return "change " + change.changeId() + " " + change.status();
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(1);
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofSeconds(5);
    }

    private Optional<ResourceRecordSet> find(Route53Record wanted) {
        List<ResourceRecordSet> sets;
        try {
            sets = route53.listResourceRecordSets(r -> r.hostedZoneId(zone)
                            .startRecordName(wanted.name())
                            .startRecordType(wanted.type())
                            .maxItems("20"))
                    .resourceRecordSets();
        } catch (SdkException e) {
            throw new AwsOperationException(
                    "ListResourceRecordSets",
                    "cannot read " + wanted.name() + " " + wanted.type() + " in hosted zone " + zone + ": "
                            + AwsErrors.describe(e),
                    e);
        }
        return sets.stream()
                .filter(s -> dnsName(s.name()).equals(dnsName(wanted.name())))
                .filter(s -> wanted.type().equals(s.typeAsString()))
                .filter(s ->
                        Objects.equals(s.setIdentifier(), wanted.setIdentifier().orElse(null)))
                .findFirst();
    }

    private static boolean matches(ResourceRecordSet current, Route53Record wanted) {
        if (wanted.aliasTarget().isPresent()) {
            var alias = wanted.aliasTarget().get();
            if (current.aliasTarget() == null
                    || !dnsName(current.aliasTarget().dnsName()).equals(dnsName(alias.dnsName()))
                    || !alias.hostedZoneId().equals(current.aliasTarget().hostedZoneId())
                    || !Objects.equals(
                            alias.evaluateTargetHealth(), current.aliasTarget().evaluateTargetHealth())) {
                return false;
            }
        } else {
            List<String> values = current.resourceRecords().stream()
                    .map(ResourceRecord::value)
                    .toList();
            if (current.aliasTarget() != null || !new HashSet<>(values).equals(new HashSet<>(wanted.values()))) {
                return false;
            }
            if (wanted.ttl().isPresent()
                    && !Objects.equals(current.ttl(), wanted.ttl().get().toSeconds())) {
                return false;
            }
        }
        if (!Objects.equals(
                current.failoverAsString(), wanted.failover().map(Enum::name).orElse(null))) {
            return false;
        }
        if (!Objects.equals(current.weight(), wanted.weight().orElse(null))) {
            return false;
        }
        return Objects.equals(current.healthCheckId(), wanted.healthCheckId().orElse(null));
    }

    private static String dnsName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    private static String describe(ResourceRecordSet set) {
        String what = set.aliasTarget() != null
                ? "alias " + set.aliasTarget().dnsName()
                : set.resourceRecords().stream()
                        .map(ResourceRecord::value)
                        .toList()
                        .toString();
        return what
                + (set.failover() == null ? "" : " " + set.failoverAsString())
                + (set.weight() == null ? "" : " weight " + set.weight());
    }

    private static String describe(Route53Record record) {
        return record.aliasTarget()
                        .map(a -> "alias " + a.dnsName())
                        .orElse(record.values().toString())
                + record.failover().map(f -> " " + f.name()).orElse("")
                + record.weight().map(w -> " weight " + w).orElse("");
    }
}
