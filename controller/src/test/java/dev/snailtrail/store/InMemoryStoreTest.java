package dev.snailtrail.store;

/** The store contract, and the leases of a shared store, on the in-memory table. */
class InMemoryStoreTest extends SharedStoreContract {
  private final InMemoryTable table = new InMemoryTable();

  @Override
  protected TableStore store() {
    return new TableStore(table, "memory", clock);
  }

  @Override
  protected Store reopen() {
    return new TableStore(table, "memory", clock);
  }
}
