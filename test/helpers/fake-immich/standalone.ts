/**
 * The fake Immich as a process of its own, for tests that stop a server and start it again: its
 * state lives in a file (`FAKE_STATE_FILE`, made with `FakeState.toBytes`), loaded at start and saved
 * after every handled write before the answer goes out, as a real server's database commits.
 * `FAKE_PORT`: the port to listen on. `FAKE_DIE_AFTER_WRITE=n`: after saving the n-th write, the
 * process kills itself before answering (the server dies with the client's answer lost).
 * Prints `listening <url>` once it is up. Run with `vite-node test/helpers/fake-immich/standalone.ts`.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isWriteRequest } from './recorder.js';
import { startFakeImmich } from './fake-immich.js';
import { FakeState } from './state.js';

const file = process.env.FAKE_STATE_FILE ?? '';
const dieAfter = Number(process.env.FAKE_DIE_AFTER_WRITE ?? Number.POSITIVE_INFINITY);
const fake = await startFakeImmich({ port: Number(process.env.FAKE_PORT ?? 0), state: FakeState.fromBytes(readFileSync(file)) });
let writes = 0;
fake.onHandled((request) => {
  if (!isWriteRequest(request)) return;
  writeFileSync(`${file}.next`, fake.state.toBytes());
  renameSync(`${file}.next`, file);
  if (++writes >= dieAfter) process.kill(process.pid, 'SIGKILL');
});
process.stdout.write(`listening ${fake.url}\n`);
