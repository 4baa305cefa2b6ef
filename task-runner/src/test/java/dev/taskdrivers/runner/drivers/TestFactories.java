package dev.taskdrivers.runner.drivers;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverFactory;
import java.util.Set;

/** Factories found through a test class loader; they never create a driver. */
final class TestFactories {
    private TestFactories() {}

    abstract static class Base implements DriverFactory {
        @Override
        public int spiVersion() {
            return DriverApi.SPI_VERSION;
        }

        @Override
        public Driver create(DriverContext context) {
            throw new UnsupportedOperationException("not needed by these tests");
        }
    }

    public static final class DupA extends Base {
        @Override
        public String name() {
            return "dup";
        }
    }

    public static final class DupB extends Base {
        @Override
        public String name() {
            return "dup";
        }
    }

    public static final class FromTheFuture extends Base {
        @Override
        public String name() {
            return "future";
        }

        @Override
        public int spiVersion() {
            return DriverApi.SPI_VERSION + 1;
        }
    }

    public static final class WithSecrets extends Base {
        @Override
        public String name() {
            return "vault";
        }

        @Override
        public Set<String> secretOptions() {
            return Set.of("key_material");
        }
    }
}
