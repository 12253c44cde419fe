export const PACKAGE_NAME = '@inference-ts/stream-manager';
