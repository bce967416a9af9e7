// The receipts file a batch's caller writes and its owner reads after the caller's death.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ACK_SLOTS, AckJournalReader, AckJournalWriter } from '../src/runtime/ack-journal.js';

const hasShm = existsSync('/dev/shm');

describe('receipts file', { skip: hasShm ? false : 'no /dev/shm here: each receipt goes on the socket at once instead' }, () => {
  it('the owner reads, per slot, what the caller used of its call; a later call in the slot means all, an earlier one none', () => {
    const writer = AckJournalWriter.create()!;
    const reader = new AckJournalReader(writer.path, 'test');
    assert.equal(existsSync(writer.path), false, 'the owner unlinked it: nothing is left whoever dies');
    const a = writer.open()!;
    assert.deepEqual(reader.read(a, 5), { used: 0, givenBack: false }, 'nothing recorded yet');
    writer.record(a, 5, 3);
    assert.deepEqual(reader.read(a, 5), { used: 3, givenBack: false });
    writer.record(a, 5, 8);
    writer.free(a);
    const b = writer.open()!;
    assert.equal(b, a, 'a freed slot serves the next call');
    assert.deepEqual(reader.read(b, 9), { used: 0, givenBack: false }, 'the record of an earlier call: none used yet');
    writer.record(b, 9, 1, true);
    assert.deepEqual(reader.read(b, 5), { used: Infinity, givenBack: false }, 'a later call took the slot: call 5 used all');
    assert.deepEqual(reader.read(b, 9), { used: 1, givenBack: true });
    assert.equal(reader.read(ACK_SLOTS, 9), undefined, 'a slot outside the file is nobody\'s');
    reader.close();
    writer.close();
  });

  it('runs out of slots (the caller then writes receipts to the socket) and gets them back when freed', () => {
    const writer = AckJournalWriter.create()!;
    const slots = Array.from({ length: ACK_SLOTS }, () => writer.open());
    assert.ok(slots.every((slot) => slot !== undefined));
    assert.equal(writer.open(), undefined);
    writer.free(slots[7]!);
    assert.equal(writer.open(), slots[7]);
    writer.close();
  });

  it('the owner refuses a path that is not a receipts file of this user: elsewhere, a link, the wrong size', () => {
    assert.throws(() => new AckJournalReader('/etc/passwd', 'test'), { code: 'ERR_PROTOCOL', message: /not where they are made/ });
    const dir = mkdtempSync('/dev/shm/multiproc-acks-test-');
    try {
      writeFileSync(join(dir, 'other'), 'x');
      symlinkSync(join(dir, 'other'), join(dir, 'acks'));
      assert.throws(() => new AckJournalReader(join(dir, 'acks'), 'test'), { code: 'ERR_PROTOCOL' });
      rmSync(join(dir, 'acks'));
      writeFileSync(join(dir, 'acks'), 'short', { mode: 0o600 });
      assert.throws(() => new AckJournalReader(join(dir, 'acks'), 'test'), { code: 'ERR_PROTOCOL', message: /right size/ });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
