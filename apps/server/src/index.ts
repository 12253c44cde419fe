export const PACKAGE_NAME = '@inference-ts/server';
