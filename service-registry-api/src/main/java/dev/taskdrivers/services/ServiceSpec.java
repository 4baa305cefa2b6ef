package dev.taskdrivers.services;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A service a task advertises, as written in the task spec:
 * <pre>{@code
 * ServiceSpec.builder("web").port("http").tag("v1")
 *         .check(CheckSpec.http("/health").interval(Duration.ofSeconds(5)))
 *         .build()
 * }</pre>
 * A built service has a name and valid checks, and each check that needs an address has a port: its own or the
 * service's. Whether those port labels are ports of the task is checked by the task that advertises the service.
 */
public final class ServiceSpec {
    private final String name;
    private final List<String> tags;
    private final @Nullable String portLabel;
    private final AddressMode addressMode;
    private final @Nullable String address;
    private final Map<String, String> meta;
    private final List<CheckSpec> checks;
    private final ServiceProvider provider;

    private ServiceSpec(Builder b) {
        this.name = b.name;
        this.tags = List.copyOf(b.tags);
        this.portLabel = b.portLabel;
        this.addressMode = b.addressMode;
        this.address = b.address;
        this.meta = Map.copyOf(b.meta);
        List<CheckSpec> built = new ArrayList<>();
        for (CheckSpec.Builder c : b.checks) {
            built.add(c.build("service: \"" + b.name + "\" check"));
        }
        this.checks = List.copyOf(built);
        this.provider = b.provider;
    }

    /** A service with this name and no tags, no port, address mode {@link AddressMode#AUTO}, no meta, no checks. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder holding this service's values, to build a changed copy. */
    public Builder toBuilder() {
        Builder b =
                new Builder(name).tags(tags).addressMode(addressMode).meta(meta).provider(provider);
        b.portLabel = portLabel;
        b.address = address;
        checks.forEach(b::check);
        return b;
    }

    public String name() {
        return name;
    }

    public List<String> tags() {
        return tags;
    }

    /**
     * The task port it advertises: a port label, or a port number no label names ({@link PortReferences}); {@code
     * null} for none.
     */
    public @Nullable String portLabel() {
        return portLabel;
    }

    /** Which address to advertise. */
    public AddressMode addressMode() {
        return addressMode;
    }

    /**
     * The address to advertise instead of the one the address mode gives (Nomad's {@code address}: a public or
     * load balancer address, a host name), or {@code null}. Checks without their own address mode probe it too,
     * at the port's host port.
     */
    public @Nullable String address() {
        return address;
    }

    public Map<String, String> meta() {
        return meta;
    }

    public List<CheckSpec> checks() {
        return checks;
    }

    /** The catalog it is registered in; {@link ServiceProvider#CONSUL} unless set. */
    public ServiceProvider provider() {
        return provider;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceSpec s
                && name.equals(s.name)
                && tags.equals(s.tags)
                && Objects.equals(portLabel, s.portLabel)
                && addressMode == s.addressMode
                && Objects.equals(address, s.address)
                && meta.equals(s.meta)
                && checks.equals(s.checks)
                && provider == s.provider;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, tags, portLabel, addressMode, address, meta, checks, provider);
    }

    @Override
    public String toString() {
        return "ServiceSpec[name=" + name + ", tags=" + tags + ", port=" + portLabel + ", addressMode=" + addressMode
                + (address == null ? "" : ", address=" + address) + ", meta=" + meta + ", checks=" + checks
                + (provider == ServiceProvider.CONSUL ? "" : ", provider=" + provider.specName()) + "]";
    }

    /**
     * Collects a service's values; {@link #build} refuses what no service may be, naming each field as the JSON spec
     * does ({@code name}, {@code checks[0].interval}, ...).
     */
    public static final class Builder {
        private final String name;
        private List<String> tags = List.of();
        private @Nullable String portLabel;
        private AddressMode addressMode = AddressMode.AUTO;
        private @Nullable String address;
        private Map<String, String> meta = Map.of();
        private final List<CheckSpec.Builder> checks = new ArrayList<>();
        private ServiceProvider provider = ServiceProvider.CONSUL;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder tags(List<String> values) {
            this.tags = List.copyOf(values);
            return this;
        }

        public Builder tag(String value) {
            List<String> more = new ArrayList<>(tags);
            more.add(Objects.requireNonNull(value, "tag"));
            this.tags = List.copyOf(more);
            return this;
        }

        /** The label of the task port to advertise; without one the service has no port. */
        public Builder port(String label) {
            this.portLabel = Objects.requireNonNull(label, "port");
            return this;
        }

        /** Which address to advertise; {@link AddressMode#AUTO} by default. */
        public Builder addressMode(AddressMode value) {
            this.addressMode = Objects.requireNonNull(value, "addressMode");
            return this;
        }

        /**
         * The address to advertise instead of the one the address mode gives, as Nomad's {@code address}; the
         * address mode must then be {@link AddressMode#AUTO}, as in Nomad.
         */
        public Builder address(String value) {
            this.address = Objects.requireNonNull(value, "address");
            return this;
        }

        public Builder meta(Map<String, String> values) {
            this.meta = Map.copyOf(values);
            return this;
        }

        /** The catalog the service is registered in; {@link ServiceProvider#CONSUL} by default. */
        public Builder provider(ServiceProvider value) {
            this.provider = Objects.requireNonNull(value, "provider");
            return this;
        }

        /** The catalog the service is registered in. */
        public ServiceProvider provider() {
            return provider;
        }

        /** Adds a check. */
        public Builder check(CheckSpec check) {
            checks.add(check.toBuilder());
            return this;
        }

        /**
         * Adds the check this builder builds when the service is built; a check without a name is named
         * {@code service: "NAME" check}. The builder is kept, not copied.
         */
        public Builder check(CheckSpec.Builder check) {
            checks.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        /** Whether a check was added. */
        public boolean hasChecks() {
            return !checks.isEmpty();
        }

        /** The checks added so far, in order; a view, not a copy. */
        public List<CheckSpec.Builder> checks() {
            return Collections.unmodifiableList(checks);
        }

        /**
         * The task port labels this service refers to, each under the field that names it: {@code port} for the
         * service's, {@code checks[i].port} for a check's own.
         */
        public Map<String, String> portReferences() {
            Map<String, String> refs = new LinkedHashMap<>();
            if (portLabel != null) {
                refs.put("port", portLabel);
            }
            for (int i = 0; i < checks.size(); i++) {
                if (checks.get(i).portLabel() != null) {
                    refs.put("checks[" + i + "].port", checks.get(i).portLabel());
                }
            }
            return refs;
        }

        /** Every value {@link #build} would refuse, each under its field; empty when it builds. */
        public List<ValidationProblem> problems() {
            List<ValidationProblem> problems = new ArrayList<>();
            if (name.isBlank()) {
                problems.add(new ValidationProblem("name", "must not be empty"));
            }
            if (address != null && address.isBlank()) {
                problems.add(new ValidationProblem("address", "must not be empty"));
            }
            if (address != null && addressMode != AddressMode.AUTO) {
                problems.add(new ValidationProblem(
                        "address_mode",
                        "must be auto with a custom address, got "
                                + addressMode.name().toLowerCase(Locale.ROOT)));
            }
            for (int i = 0; i < checks.size(); i++) {
                CheckSpec.Builder c = checks.get(i);
                String path = "checks[" + i + "]";
                if (c.type() != CheckType.SCRIPT && c.portLabel() == null && portLabel == null) {
                    problems.add(new ValidationProblem(path + ".port", "is required when the service has no port"));
                }
                c.problems().forEach(p -> problems.add(p.under(path)));
            }
            return problems;
        }

        /** @throws ValidationException naming every field that breaks a rule */
        public ServiceSpec build() {
            ValidationException.throwIfAny(problems());
            return new ServiceSpec(this);
        }
    }
}
