/**
 * The streamed ISO writer: walks the plan's sections in LBA order through one SequentialSink,
 * asserting the position at each section's end, into a temporary file that is renamed into place
 * only when complete and flushed (ops/atomic-output.ts).
 */
import { CmTsError, fromSystemError } from '../../errors/index.js';
import { createAtomicOutput } from '../../ops/atomic-output.js';
import { SequentialSink } from '../binary/index.js';
import { copySourceToSink } from '../sources.js';
import { directoryRecordBytes, pathTableRecordBytes, sectorBytes } from '../iso9660/structures.js';
import { directoryRecords, encodeDirectoryRecord, encodePathTableRecord } from './descriptors.js';
import { placeRecords, recordLengths, type FilePlan, type IsoPlan, type IsoSection } from './plan.js';

export interface WriteIsoOptions {
  /** Replace an existing destination. */
  force?: boolean;
  signal?: AbortSignal;
  /** Called at most once per percent or per 64 MiB, and once at the end. */
  onProgress?: (bytesWritten: number, totalBytes: number) => void;
  /** Told the temporary file's path before it is created (ops/atomic-output.ts). */
  onTemporaryFile?: (path: string) => void;
}

const progressStepMaxBytes = 64 * 2 ** 20;

export async function writeIso(plan: IsoPlan, destinationPath: string, options: WriteIsoOptions = {}): Promise<{ bytesWritten: number }> {
  const { signal, onProgress } = options;
  const checkCancel = (): void => {
    if (signal?.aborted) throw new CmTsError('E_CANCELLED');
  };
  checkCancel();
  const output = await createAtomicOutput(destinationPath, { force: options.force ?? false, onTemporaryFile: options.onTemporaryFile });
  try {
    const sink = new SequentialSink(output.handle, destinationPath);
    const step = Math.max(sectorBytes, Math.min(progressStepMaxBytes, Math.ceil(plan.sizeBytes / 100)));
    let nextProgress = step;
    const progress = (): void => {
      if (onProgress && sink.position >= nextProgress) {
        nextProgress = (Math.floor(sink.position / step) + 1) * step;
        onProgress(sink.position, plan.sizeBytes);
      }
    };
    for (const section of plan.sections) {
      checkCancel();
      const start = section.lba * sectorBytes;
      if (sink.position > start) throw new CmTsError('E_UNEXPECTED', `${section.name} starts at LBA ${section.lba}, the image is already at byte ${sink.position}`);
      await sink.zeros(start - sink.position);
      await writeSection(sink, section, signal, progress);
      await sink.pad(sectorBytes);
      sink.expect((section.lba + section.sectors) * sectorBytes, section.name);
      progress();
    }
    await sink.zeros(plan.sizeBytes - sink.position);
    await sink.flush();
    sink.expect(plan.sizeBytes, 'image');
    checkCancel();
    await output.commit();
    onProgress?.(plan.sizeBytes, plan.sizeBytes);
    return { bytesWritten: plan.sizeBytes };
  } catch (err) {
    await output.abort();
    if (signal?.aborted) throw new CmTsError('E_CANCELLED', '', undefined, { cause: err });
    throw fromSystemError(err, destinationPath);
  }
}

async function writeSection(sink: SequentialSink, section: IsoSection, signal: AbortSignal | undefined, progress: () => void): Promise<void> {
  const content = section.content;
  const start = sink.position;
  switch (content.kind) {
    case 'bytes':
      await sink.write(content.bytes());
      return;
    case 'chunks':
      for (const chunk of content.chunks()) await sink.write(chunk);
      return;
    case 'pathTable':
      for (const dir of content.dirs) {
        const length = pathTableRecordBytes(dir[content.tree].identifier.length);
        encodePathTableRecord(dir, content.tree, content.bigEndian, await sink.take(length), 0);
      }
      return;
    case 'directory': {
      const { offsets } = placeRecords(recordLengths(content.dir[content.tree]));
      let i = 0;
      for (const record of directoryRecords(content.dir, content.tree)) {
        await sink.zeros(start + offsets[i++]! - sink.position);
        encodeDirectoryRecord(record, await sink.take(directoryRecordBytes(record.identifier.length)), 0);
      }
      return;
    }
    case 'file':
      await copyFile(sink, content.file, signal, progress);
      return;
  }
}

/** Copies a source, counting its bytes against the size the plan was made with. */
async function copyFile(sink: SequentialSink, file: FilePlan, signal: AbortSignal | undefined, progress: () => void): Promise<void> {
  const { source } = file.node;
  await copySourceToSink(source, file.sizeBytes, sink, { signal, onBytes: progress }).catch((err: unknown) => {
    throw fromSystemError(err, source.origin);
  });
}
