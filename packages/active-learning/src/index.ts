export const PACKAGE_NAME = '@inference-ts/active-learning';
