package dev.decaf.train.recipe;

/**
 * One thing wrong with a recipe.
 *
 * @param file where the offending text came from: the recipe's source name, or {@code --set
 *     key=value} for an override
 * @param line the 1-based line of the offending node, or 0 when there is none (a missing key, an
 *     override)
 * @param keyPath the dotted key path, with list indices in brackets ({@code
 *     optimizer.groups[1].match}); empty for problems of the whole file (syntax errors)
 * @param message what is wrong, with a hint in parentheses where one helps
 */
public record Problem(String file, int line, String keyPath, String message) {

    /** Checks the components. */
    public Problem {
        if (file == null || keyPath == null || message == null || line < 0) {
            throw new IllegalArgumentException("file, keyPath and message must be set and line >= 0");
        }
    }

    /**
     * Formats the problem as {@code FILE:LINE: key.path: message}; the line is left out when it is
     * 0 and the key path when it is empty.
     *
     * @return one line
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (!keyPath.isEmpty()) {
            sb.append(keyPath).append(": ");
        }
        return sb.append(message).toString();
    }
}
