// No single library defines this; the cases follow the standard processed-messages pattern: a unique
// key claimed with INSERT ... ON CONFLICT DO NOTHING in the same local transaction as the business
// write, where a second insert of an uncommitted key waits for the first transaction (PostgreSQL and
// InnoDB unique-index behaviour), and records deleted once a retention window has passed.
import { describe, it, expect } from 'vitest';
import { MemoryStore, IdempotentConsumer, type Message, type Tx } from './idempotent-consumer';

interface Credit {
  account: string;
  amount: number;
}

function credit(id: string, account = 'alice', amount = 30): Message<Credit> {
  return { id, body: { account, amount } };
}

/** Adds the amount to the account; optionally waits for `wait` first and counts its runs. */
function creditHandler(runs: { n: number } = { n: 0 }, wait?: () => Promise<void>) {
  return async (tx: Tx, msg: Message<Credit>) => {
    runs.n++;
    if (wait) await wait();
    tx.put(msg.body.account, (tx.get(msg.body.account) ?? 0) + msg.body.amount);
  };
}

function gate(): { wait: () => Promise<void>; open: () => void } {
  let open = () => {};
  const p = new Promise<void>((resolve) => (open = resolve));
  return { wait: () => p, open };
}

/** Marks a promise that the test awaits later as handled, so an early rejection is not reported as unhandled. */
function later<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('Task 1: Transactions that commit or roll back', () => {
  it('commits every write when the function resolves, and returns its result', async () => {
    const store = new MemoryStore();
    const result = await store.transaction((tx) => {
      tx.put('alice', 100);
      tx.put('bob', 50);
      return 'done';
    });
    expect(result).toBe('done');
    expect(store.get('alice')).toBe(100);
    expect(store.get('bob')).toBe(50);
  });

  it('discards every write when the function throws, and rethrows', async () => {
    const store = new MemoryStore();
    await store.transaction((tx) => tx.put('alice', 100));
    await expect(
      store.transaction(async (tx) => {
        tx.put('alice', 0);
        tx.put('bob', 100);
        throw new Error('constraint violated');
      }),
    ).rejects.toThrow('constraint violated');
    expect(store.get('alice')).toBe(100);
    expect(store.get('bob')).toBeUndefined();
  });

  it('reads its own writes inside the transaction while others see only committed values', async () => {
    const store = new MemoryStore();
    const seen: (number | undefined)[] = [];
    await store.transaction((tx) => {
      tx.put('alice', 7);
      seen.push(tx.get('alice'), store.get('alice'));
    });
    expect(seen).toEqual([7, undefined]);
    expect(store.get('alice')).toBe(7);
  });

  it('refuses to use a transaction after it has ended', async () => {
    const store = new MemoryStore();
    let leaked: Tx | undefined;
    await store.transaction((tx) => {
      leaked = tx;
    });
    expect(() => leaked?.put('alice', 1)).toThrow(/closed/);
  });
});

describe('Task 2: Record the message id with the effect', () => {
  it('applies a message once and acknowledges its redelivery as a duplicate', async () => {
    const store = new MemoryStore();
    const consumer = new IdempotentConsumer(store, creditHandler());
    await expect(consumer.handle(credit('m1'), 0)).resolves.toBe('applied');
    await expect(consumer.handle(credit('m1'), 10)).resolves.toBe('duplicate');
    expect(store.get('alice')).toBe(30);
    expect(store.processedIds()).toEqual(['m1']);
  });

  it('runs no handler code for a duplicate', async () => {
    const runs = { n: 0 };
    const consumer = new IdempotentConsumer(new MemoryStore(), creditHandler(runs));
    await consumer.handle(credit('m1'), 0);
    await consumer.handle(credit('m1'), 1);
    await consumer.handle(credit('m1'), 2);
    expect(runs.n).toBe(1);
  });

  it('records nothing when the handler fails, so the redelivery is applied', async () => {
    const store = new MemoryStore();
    let fail = true;
    const consumer = new IdempotentConsumer<Credit>(store, async (tx, msg) => {
      tx.put(msg.body.account, (tx.get(msg.body.account) ?? 0) + msg.body.amount);
      if (fail) throw new Error('inventory DB timeout');
    });
    await expect(consumer.handle(credit('m1'), 0)).rejects.toThrow('inventory DB timeout');
    expect(store.processedIds()).toEqual([]);
    expect(store.get('alice')).toBeUndefined();
    fail = false;
    await expect(consumer.handle(credit('m1'), 5)).resolves.toBe('applied');
    expect(store.get('alice')).toBe(30);
  });

  it('applies different message ids independently', async () => {
    const store = new MemoryStore();
    const consumer = new IdempotentConsumer(store, creditHandler());
    await consumer.handle(credit('m1'), 0);
    await consumer.handle(credit('m2'), 0);
    await consumer.handle(credit('m3', 'bob', 5), 0);
    expect(store.get('alice')).toBe(60);
    expect(store.get('bob')).toBe(5);
  });
});

describe('Task 3: Concurrent redelivery', () => {
  it('applies a message once when two consumers receive it at the same time', async () => {
    const store = new MemoryStore();
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 2));
    const oldOwner = new IdempotentConsumer(store, creditHandler({ n: 0 }, slow));
    const newOwner = new IdempotentConsumer(store, creditHandler({ n: 0 }, slow));
    const results = await Promise.all([oldOwner.handle(credit('m1'), 0), newOwner.handle(credit('m1'), 0)]);
    expect([...results].sort()).toEqual(['applied', 'duplicate']);
    expect(store.get('alice')).toBe(30);
  });

  it('makes the second delivery wait until the first one commits', async () => {
    const store = new MemoryStore();
    const g = gate();
    const consumer = new IdempotentConsumer(store, creditHandler({ n: 0 }, g.wait));
    const first = later(consumer.handle(credit('m1'), 0));
    await settle();
    let secondDone = false;
    const second = later(
      consumer.handle(credit('m1'), 1).then((r) => {
        secondDone = true;
        return r;
      }),
    );
    await settle();
    expect(secondDone).toBe(false);
    expect(store.processedIds()).toEqual([]); // the first claim is not committed yet
    g.open();
    await expect(first).resolves.toBe('applied');
    await expect(second).resolves.toBe('duplicate');
  });

  it('lets the waiting delivery apply the message when the first one fails', async () => {
    const store = new MemoryStore();
    const g = gate();
    let calls = 0;
    const consumer = new IdempotentConsumer<Credit>(store, async (tx, msg) => {
      calls++;
      if (calls === 1) {
        await g.wait();
        throw new Error('lost connection');
      }
      tx.put(msg.body.account, (tx.get(msg.body.account) ?? 0) + msg.body.amount);
    });
    const first = later(consumer.handle(credit('m1'), 0));
    await settle();
    const second = later(consumer.handle(credit('m1'), 1));
    await settle();
    g.open();
    await expect(first).rejects.toThrow('lost connection');
    await expect(second).resolves.toBe('applied');
    expect(store.get('alice')).toBe(30);
  });

  it('does not make deliveries of other ids wait', async () => {
    const store = new MemoryStore();
    const g = gate();
    const blocked = new IdempotentConsumer(store, creditHandler({ n: 0 }, g.wait));
    const free = new IdempotentConsumer(store, creditHandler());
    const first = later(blocked.handle(credit('m1'), 0));
    await settle();
    await expect(free.handle(credit('m2', 'bob'), 0)).resolves.toBe('applied');
    expect(store.get('bob')).toBe(30);
    g.open();
    await expect(first).resolves.toBe('applied');
  });
});

describe('Task 4: A bounded dedupe window', () => {
  it('treats a redelivery inside the window as a duplicate and applies it again once the window has passed', async () => {
    const store = new MemoryStore({ dedupeWindowMs: 1000 });
    const consumer = new IdempotentConsumer(store, creditHandler());
    await expect(consumer.handle(credit('m1'), 0)).resolves.toBe('applied');
    await expect(consumer.handle(credit('m1'), 999)).resolves.toBe('duplicate');
    await expect(consumer.handle(credit('m1'), 1000)).resolves.toBe('applied'); // the window was too short
    expect(store.get('alice')).toBe(60);
    await expect(consumer.handle(credit('m1'), 1999)).resolves.toBe('duplicate'); // the record was refreshed at 1000
    await expect(consumer.handle(credit('m1'), 2000)).resolves.toBe('applied');
  });

  it('purgeExpired deletes the records whose window has passed and returns how many', async () => {
    const store = new MemoryStore({ dedupeWindowMs: 1000 });
    const consumer = new IdempotentConsumer(store, creditHandler());
    await consumer.handle(credit('m1'), 0);
    await consumer.handle(credit('m2'), 500);
    expect(store.purgeExpired(999)).toBe(0);
    expect(store.purgeExpired(1000)).toBe(1);
    expect(store.processedIds()).toEqual(['m2']);
    expect(store.purgeExpired(1499)).toBe(0);
    expect(store.purgeExpired(1500)).toBe(1);
    expect(store.processedIds()).toEqual([]);
  });

  it('never expires records without a window', async () => {
    const store = new MemoryStore();
    const consumer = new IdempotentConsumer(store, creditHandler());
    await consumer.handle(credit('m1'), 0);
    expect(store.purgeExpired(1e12)).toBe(0);
    await expect(consumer.handle(credit('m1'), 1e12)).resolves.toBe('duplicate');
    expect(store.get('alice')).toBe(30);
  });
});
