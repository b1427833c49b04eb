// Which codecs can run in this browser (asked once at start-up), and where the learned codecs will run.
import { probeAdapter } from '../../../codecs/adapter';
import { CODECS } from '../../../codecs/registry';
import { messageOf } from '../../../errors';
import { useLab } from '../lab';

/** Asks every codec with an available() check whether it can run here (e.g. one that needs WebGPU). */
export async function probeCodecs(): Promise<void> {
  const results = await Promise.all(
    CODECS.filter((c) => c.available).map(async (c) => {
      try {
        const r = await c.available!();
        return [c.id, r === true ? null : r] as const;
      } catch (e) {
        return [c.id, messageOf(e)] as const;
      }
    }),
  );
  const unavailable: Record<string, string> = {};
  for (const [id, why] of results) if (why) unavailable[id] = why;
  useLab.setState({ unavailable });
}

/** Looks at the WebGPU adapter the codecs would use (no device is created) for the status line. */
export async function probeBackend(): Promise<void> {
  const a = await probeAdapter();
  useLab.setState({ adapter: a.ok ? { state: 'webgpu', label: a.name, isSoftware: a.software } : { state: 'cpu', reason: a.name } });
}
