package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.SlotMessage;
import io.braid.schema.SlotRelease;
import io.braid.schema.SlotRequest;
import io.braid.schema.TenantSlots;
import io.braid.schema.policy.PolicySettings;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs {@link TenantAdmission} for each slot message (tenant-slots topic, keyed by tenant), keeping each tenant's
 * {@link TenantSlots} in a state store — written, with its changelog, in the same transaction as the grants it
 * causes — and forwarding the grants keyed by jobId (to the tenant-grants topic, which the join reads). The cap is
 * the operator's {@code policy.tenants.<tenant>.maxConcurrency}. A message it cannot use is logged and changes
 * nothing: no record stops the admission.
 */
final class TenantAdmissionProcessor implements Processor<String, SlotMessage, String, io.braid.schema.SlotGrant> {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TenantAdmissionProcessor.class);

    private final PolicySettings policy;
    private final JobMeters meters;
    private ProcessorContext<String, io.braid.schema.SlotGrant> context;
    private KeyValueStore<String, TenantSlots> store;

    TenantAdmissionProcessor(PolicySettings policy, JobMeters meters) {
        this.policy = policy;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, io.braid.schema.SlotGrant> context) {
        this.context = context;
        this.store = context.getStateStore(AggregatorTopology.ADMISSION_STORE_NAME);
    }

    @Override
    public void process(Record<String, SlotMessage> record) {
        String tenant = tenantOf(record.value());
        if (tenant == null || !tenant.equals(record.key())) {
            log.warn("slot message keyed '{}' names tenant '{}': ignored ({})", record.key(), tenant, record.value());
            return;
        }
        try {
            TenantSlots stored = store.get(tenant);
            TenantAdmission.Step step = TenantAdmission.apply(stored == null ? TenantAdmission.empty(tenant) : stored,
                    record.value(), policy.maxConcurrency(tenant));
            if (step.ignored() != null) {
                log.warn("tenant '{}' admission: {}", tenant, step.ignored());
            }
            if (step.slots().getHolders().isEmpty()) {
                store.delete(tenant);
            } else {
                store.put(tenant, step.slots());
            }
            step.grants().forEach(grant -> context.forward(new Record<>(grant.getJobId(), grant, record.timestamp())));
            meters.tenant(tenant, TenantAdmission.inUse(step.slots()), TenantAdmission.waiting(step.slots()));
        } catch (RuntimeException e) {
            log.error("tenant '{}' admission could not process {}; ignored", tenant, record.value(), e);
        }
    }

    static String tenantOf(SlotMessage message) {
        if (message == null) {
            return null;
        }
        return switch (message.getBody()) {
            case SlotRequest request -> request.getTenant();
            case SlotRelease release -> release.getTenant();
            default -> null;
        };
    }
}
