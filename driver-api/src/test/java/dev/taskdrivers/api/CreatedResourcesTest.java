package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class CreatedResourcesTest {

    @Property
    void mergeIsCommutativeAndIdempotent(
            @ForAll @Size(max = 6) List<@AlphaChars @StringLength(min = 1, max = 3) String> a,
            @ForAll @Size(max = 6) List<@AlphaChars @StringLength(min = 1, max = 3) String> b) {
        CreatedResources left = build(a);
        CreatedResources right = build(b);

        assertThat(left.merge(right)).isEqualTo(right.merge(left));
        assertThat(left.merge(left)).isEqualTo(left);
        assertThat(left.merge(CreatedResources.empty())).isEqualTo(left);
    }

    @Property
    void withoutUndoesWith(@ForAll @AlphaChars @StringLength(min = 1, max = 5) String value) {
        CreatedResources r = CreatedResources.empty().with("image", value);

        assertThat(r.get("image")).containsExactly(value);
        assertThat(r.without("image", value).isEmpty()).isTrue();
    }

    @Property
    void survivesARoundTripThroughItsMap(
            @ForAll @Size(max = 6) List<@AlphaChars @StringLength(min = 1, max = 3) String> a) {
        CreatedResources r = build(a);

        assertThat(CreatedResources.of(r.asMap())).isEqualTo(r);
    }

    private static CreatedResources build(List<String> values) {
        CreatedResources r = CreatedResources.empty();
        for (String v : values) {
            r = r.with(v.substring(0, 1), v);
        }
        return r;
    }
}
