package dev.taskdrivers.hostprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void fieldsAreCountedFromTheLastParenthesisSoOddCommandNamesParse() {
        String text = "4242 (we (ird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 123456 "
                + "5000000 321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
        ProcStat stat = ProcStat.parse(4242, text);
        assertThat(stat.state()).isEqualTo('S');
        assertThat(stat.ppid()).isEqualTo(1);
        assertThat(stat.pgrp()).isEqualTo(4242);
        assertThat(stat.session()).isEqualTo(4242);
        assertThat(stat.userTicks()).isEqualTo(7);
        assertThat(stat.systemTicks()).isEqualTo(3);
        assertThat(stat.startTicks()).isEqualTo(123456);
        assertThat(stat.rssPages()).isEqualTo(321);
        assertThat(stat.running()).isTrue();
        assertThat(ProcStat.parse(1, text.replace(") S ", ") Z ")).running()).isFalse();
    }

    @Test
    void thisJvmIsReadableAndIdentifiedByItsStartTime() {
        long self = ProcessHandle.current().pid();
        ProcStat stat = ProcStat.read(self).orElseThrow();
        assertThat(stat.identity().isRunning()).isTrue();
        assertThat(new ProcessIdentity(self, stat.startTicks() + 1).isRunning())
                .as("another start time")
                .isFalse();
        assertThat(new ProcessIdentity(self, ProcessIdentity.UNKNOWN_START).isRunning())
                .isFalse();
    }

    @Test
    void textThatIsNoStatFileIsRefusedNamingTheProblem() {
        assertThatThrownBy(() -> ProcStat.parse(1, "garbage"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/proc/<pid>/stat");
        assertThatThrownBy(() -> ProcStat.parse(1, "1 (x) S 1 2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPidBeyondTheIntRangeIsNoProcess() {
        assertThat(ProcStat.read(1L << 40)).isEmpty();
        assertThat(ProcessIdentity.find(1L << 40)).isEmpty();
        assertThat(ProcessIdentity.of(1L << 40).startTicks()).isEqualTo(ProcessIdentity.UNKNOWN_START);
    }
}
