package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.PullResponseItem;
import org.junit.jupiter.api.Test;

class PullProgressTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static PullResponseItem item(String json) throws Exception {
        return JSON.readValue(json, PullResponseItem.class);
    }

    @Test
    void addsUpLayersAndCountsOnlyRealProgress() throws Exception {
        PullProgress p = new PullProgress();
        assertThat(p.update(item("{\"status\":\"Pulling from x\",\"id\":\"1\"}")))
                .isFalse();
        assertThat(p.update(item("{\"status\":\"Pulling fs layer\",\"id\":\"a\"}")))
                .isTrue();
        assertThat(
                        p.update(
                                item(
                                        "{\"status\":\"Downloading\",\"id\":\"a\",\"progressDetail\":{\"current\":100,\"total\":1000}}")))
                .isTrue();
        assertThat(p.update(item(
                        "{\"status\":\"Downloading\",\"id\":\"b\",\"progressDetail\":{\"current\":0,\"total\":3000}}")))
                .isTrue();
        assertThat(p.update(item("{\"status\":\"Retrying in 5 seconds\",\"id\":\"a\"}")))
                .isFalse();
        assertThat(p.bytesDone()).isEqualTo(100);
        assertThat(p.bytesTotal()).isEqualTo(4000);
        assertThat(p.percent()).isEqualTo(2);
        assertThat(p.update(item("{\"status\":\"Download complete\",\"id\":\"a\"}")))
                .isTrue();
        assertThat(p.bytesDone()).isEqualTo(1000);
        assertThat(p.layersDone()).isEqualTo(1);
        assertThat(p.details("img")).containsEntry("percent", "25").containsEntry("layers_total", "2");
    }
}
