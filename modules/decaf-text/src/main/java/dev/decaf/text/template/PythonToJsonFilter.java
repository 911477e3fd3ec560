package dev.decaf.text.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.Map;

/**
 * The {@code tojson} filter as transformers defines it for chat templates ({@code
 * json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}, keyword
 * arguments {@code indent}, {@code sort_keys}, {@code ensure_ascii}), replacing jinjava's own,
 * which writes compact JSON ({@code {"a":1}} where Python writes {@code {"a": 1}}).
 */
final class PythonToJsonFilter implements Filter {

    @Override
    public String getName() {
        return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return filter(var, interpreter, args, Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        if (args.length > 0) {
            throw new IllegalArgumentException("tojson takes keyword arguments only (indent=, sort_keys=, ensure_ascii=)");
        }
        Integer indent = null;
        boolean sortKeys = false;
        boolean ensureAscii = false;
        for (Map.Entry<String, Object> e : kwargs.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "indent" -> indent = v == null ? null : ((Number) v).intValue();
                case "sort_keys" -> sortKeys = Boolean.TRUE.equals(v);
                case "ensure_ascii" -> ensureAscii = Boolean.TRUE.equals(v);
                default -> throw new IllegalArgumentException("tojson: unsupported argument " + e.getKey()
                        + " (indent, sort_keys and ensure_ascii are)");
            }
        }
        return PythonJson.dumps(var, indent, sortKeys, ensureAscii);
    }
}
