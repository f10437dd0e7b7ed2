export { RuntimeRegistry } from './runtime-registry.ts';
export { ModelRepository, type ModelStatus, type VersionStatus, type VersionState, type ModelRepositoryOptions } from './model-repository.ts';
export { scanRepository, readModelFolder, bareModelSource, findArtifact, type ModelSource } from './model-folder.ts';
export { loadServedModel, unloadServedModel, batcherOptionsFrom, type ServedModel, type LoadVersionOptions } from './served-model.ts';
export { selectVersions } from './version-policy.ts';
