package dev.taskdrivers.docker;

import com.github.dockerjava.api.model.PullResponseItem;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Adds up the engine's per-layer pull messages into bytes done and total for the whole image. Not thread-safe: the
 * pull's callback thread updates it, readers go through {@link ImagePull}'s lock.
 */
final class PullProgress {
    private final Map<String, Layer> layers = new LinkedHashMap<>();

    private static final class Layer {
        long current;
        long total;
        boolean done;
    }

    /** Applies one message; returns true when it moved the pull forward (bytes, layers found or finished). */
    boolean update(PullResponseItem item) {
        String id = item.getId();
        String status = item.getStatus();
        if (id == null || status == null || status.startsWith("Pulling from") || status.startsWith("Retrying")) {
            return false;
        }
        String before = signature();
        Layer layer = layers.computeIfAbsent(id, k -> new Layer());
        var detail = item.getProgressDetail();
        if (status.startsWith("Downloading") && detail != null) {
            if (detail.getTotal() != null && detail.getTotal() > 0) {
                layer.total = detail.getTotal();
            }
            if (detail.getCurrent() != null) {
                layer.current = Math.max(layer.current, detail.getCurrent());
            }
        } else if (status.startsWith("Download complete")
                || status.startsWith("Verifying")
                || status.startsWith("Extracting")
                || status.startsWith("Pull complete")
                || status.startsWith("Already exists")) {
            layer.done = true;
            layer.current = Math.max(layer.current, layer.total);
        }
        return !signature().equals(before);
    }

    long bytesDone() {
        return layers.values().stream().mapToLong(l -> l.current).sum();
    }

    long bytesTotal() {
        return layers.values().stream().mapToLong(l -> l.total).sum();
    }

    int percent() {
        long total = bytesTotal();
        return total <= 0 ? 0 : (int) Math.min(100, bytesDone() * 100 / total);
    }

    int layersDone() {
        return (int) layers.values().stream().filter(l -> l.done).count();
    }

    int layersTotal() {
        return layers.size();
    }

    /** Event details: image, bytes done and total, percent, layers. */
    Map<String, String> details(String image) {
        return Map.of(
                "image",
                image,
                "bytes_done",
                Long.toString(bytesDone()),
                "bytes_total",
                Long.toString(bytesTotal()),
                "percent",
                Integer.toString(percent()),
                "layers_done",
                Integer.toString(layersDone()),
                "layers_total",
                Integer.toString(layersTotal()));
    }

    String describe(String image) {
        return String.format(
                Locale.ROOT,
                "Downloading image %s: %s of %s (%d%%), %d of %d layers",
                image,
                human(bytesDone()),
                human(bytesTotal()),
                percent(),
                layersDone(),
                layersTotal());
    }

    private String signature() {
        return bytesDone() + "/" + bytesTotal() + "/" + layersDone() + "/" + layersTotal();
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
