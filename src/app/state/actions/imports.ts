// RD curves imported from CompressAI-format JSON files (state/rdData.ts parses and checks them).
import { messageOf } from '../../../errors';
import { MAX_IMPORT_BYTES } from '../../limits';
import { useLab } from '../lab';
import { parseCompressAiJson, RdImportError } from '../rdData';
import { toast } from './toasts';

const set = useLab.setState;

export async function importCurves(file: File): Promise<void> {
  try {
    if (file.size > MAX_IMPORT_BYTES) throw new RdImportError('too-large', `${file.name} is larger than ${MAX_IMPORT_BYTES / 2 ** 20} MiB.`);
    const curves = parseCompressAiJson(await file.text(), file.name);
    set((s) => ({ imported: [...s.imported.filter((c) => !curves.some((n) => n.id === c.id)), ...curves] }));
    toast('info', 'Imported', `${curves.length} curve${curves.length > 1 ? 's' : ''} from ${file.name}: ${curves.map((c) => c.name).join(', ')}`);
  } catch (e) {
    toast('error', 'Cannot import these curves', messageOf(e));
  }
}

export function removeImported(id: string): void {
  set((s) => ({ imported: s.imported.filter((c) => c.id !== id), anchor: s.anchor === id ? (s.selected[0] ?? 'jpeg') : s.anchor }));
}
