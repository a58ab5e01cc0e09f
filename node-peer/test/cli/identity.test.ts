import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IdentityStore, roomKey } from '../../src/cli/identity';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const store = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-identity-'));
  dirs.push(dir);
  return new IdentityStore(join(dir, 'config'));
};

describe('identities per room', () => {
  it('keeps one identity per room, readable by the user only, and forgets it on request', async () => {
    const identities = store();
    const room = new URL('http://10.0.0.5:8787/');
    expect(await identities.get(room)).toBeNull();
    await identities.put(room, { privateId: 'secret-1', name: 'nas' });
    await identities.put(new URL('https://other:9000/'), { privateId: 'secret-2', name: 'nas' });
    expect(await identities.get(new URL('http://10.0.0.5:8787/#token=x'))).toEqual({
      privateId: 'secret-1',
      name: 'nas',
    });
    expect(statSync(identities.file).mode & 0o777).toBe(0o600);
    expect(statSync(join(identities.file, '..')).mode & 0o777).toBe(0o700);
    expect(await identities.forget(room)).toBe(true);
    expect(await identities.get(room)).toBeNull();
    expect(await identities.get(new URL('https://other:9000/'))).toEqual({ privateId: 'secret-2', name: 'nas' });
    expect(await identities.forget(room)).toBe(false);
  });

  it('starts again from a file it cannot read as identities', async () => {
    const identities = store();
    await identities.put(new URL('http://a/'), { privateId: 'p', name: 'n' });
    writeFileSync(identities.file, '{"version":1,"rooms":{"http://a/":{"privateId":"bad id!"}}}');
    expect(await identities.get(new URL('http://a/'))).toBeNull();
    expect(roomKey(new URL('http://a:80/r/x?y#z'))).toBe('http://a/r/x');
  });
});
