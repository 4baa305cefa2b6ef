package dev.taskdrivers.exec.internal.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class CpuListTest {

    @Test
    void rangesAndSingleCpusAreRead() {
        BitSet ids = CpuList.parse(" 0-2,5,7-8\n");
        assertThat(ids.stream().boxed()).containsExactly(0, 1, 2, 5, 7, 8);
        assertThat(CpuList.parse("").isEmpty()).isTrue();
    }

    @Test
    void subsetsAreTheListsWithNoCpuOutside() {
        assertThat(CpuList.isSubset("1-2", "0-3")).isTrue();
        assertThat(CpuList.isSubset("3", "0-1,3")).isTrue();
        assertThat(CpuList.isSubset("1-2", "0-1")).isFalse();
        assertThat(CpuList.isSubset("0", "")).isFalse();
    }

    @Test
    void textThatIsNoCpuListIsRefusedNamingIt() {
        assertThatThrownBy(() -> CpuList.parse("0-x")).hasMessage("not a cpu list: '0-x'");
        assertThatThrownBy(() -> CpuList.parse("3-1")).hasMessage("not a cpu list: '3-1'");
    }
}
