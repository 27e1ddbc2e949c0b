package org.transcoder.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Minimum and median of a handful of repetitions. */
final class Stats {

    private Stats() {}

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(d -> d).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
    }
}
