import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('hashes with scrypt and a fresh salt, and verifies only the same password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('treats the password as NFKC: the same text typed with other code points matches', async () => {
    const h = await hashPassword('ｐassword-ﬁne');
    expect(await verifyPassword('password-fine', h)).toBe(true);
  });

  it.each(['', 'plain', 'bcrypt$2b$10$x', 'scrypt$1$1$1$c2FsdA$aGFzaA', 'scrypt$nope$8$1$c2FsdA$aGFzaA'])(
    'never matches a malformed stored hash %j',
    async (stored) => {
      expect(await verifyPassword('anything at all', stored)).toBe(false);
    },
  );
});
