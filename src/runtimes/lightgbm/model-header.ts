import { corrupt, corruptFile, unsupported } from './model-error.ts';
import { headerRef, type ModelText } from './model-text-parser.ts';
import { parseInt1 } from './number-lists.ts';
import { parseObjective, type Objective } from './objectives.ts';

const VERSIONS = ['v2', 'v3', 'v4'];

/** What the header says about the model as a whole. */
export interface ModelHeader {
  readonly version: string;
  readonly numFeatures: number;
  readonly treesPerIteration: number;
  /** Random-forest mode: the score is the mean over iterations, not the sum. */
  readonly averageOutput: boolean;
  readonly objective: Objective;
}

function required(text: ModelText, key: string): string {
  const kv = text.header.get(key);
  if (!kv) throw corruptFile(text.file, `the header has no ${key}= line`);
  return kv.value;
}

export function readHeader(text: ModelText): ModelHeader {
  const version = required(text, 'version').trim();
  if (!VERSIONS.includes(version)) {
    throw unsupported(text.file, `model format version "${version}" is not supported (expected ${VERSIONS.join(', ')})`, text.header.get('version')?.line);
  }
  const numClass = parseInt1(required(text, 'num_class'), headerRef(text, 'num_class'), 1);
  const perIteration = text.header.get('num_tree_per_iteration');
  const treesPerIteration = perIteration ? parseInt1(perIteration.value, headerRef(text, 'num_tree_per_iteration'), 1) : numClass;
  const numFeatures = parseInt1(required(text, 'max_feature_idx'), headerRef(text, 'max_feature_idx'), 0) + 1;
  const objective = parseObjective(text.header.get('objective')?.value, headerRef(text, 'objective'), treesPerIteration);
  checkTreeCount(text, treesPerIteration);
  return { version, numFeatures, treesPerIteration, averageOutput: text.header.has('average_output'), objective };
}

/** The trees must fill whole iterations and agree with `tree_sizes` when the header has it. */
function checkTreeCount(text: ModelText, treesPerIteration: number): void {
  const count = text.trees.length;
  if (count === 0) throw corruptFile(text.file, 'the model has no Tree= blocks');
  const sizes = text.header.get('tree_sizes');
  if (sizes) {
    const listed = sizes.value.trim() === '' ? 0 : sizes.value.trim().split(/\s+/).length;
    if (listed !== count) throw corrupt(headerRef(text, 'tree_sizes'), `lists ${listed} trees but the file holds ${count}`);
  }
  if (count % treesPerIteration !== 0) {
    throw corruptFile(text.file, `${count} trees do not fill whole iterations of num_tree_per_iteration=${treesPerIteration}`);
  }
}
