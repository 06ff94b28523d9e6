package dev.snailtrail.provider;

/**
 * Finds the constant of a port enum by the name AWS gives the value on the wire, which is each
 * constant's {@code toString()}. Case is ignored: no two AWS names of one kind differ only by it,
 * and hand-written task definitions are not always exact.
 */
final class WireNames {
  private WireNames() {}

  /**
   * The constant named {@code value}: null when the value is null or blank (AWS left the field
   * out), {@code unrecognized} when this version does not know the name (AWS added a value).
   */
  static <E extends Enum<E>> E find(E[] constants, String value, E unrecognized) {
    if (value == null || value.isBlank()) {
      return null;
    }
    for (E e : constants) {
      if (e.toString().equalsIgnoreCase(value)) {
        return e;
      }
    }
    return unrecognized;
  }
}
