import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreConformance } from '../testing/conformance';
import { openEmbeddedEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'hoody-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEventStoreConformance('embedded (SQLite)', () => openEmbeddedEventStore({ path: join(dir, 'events.db') }));
