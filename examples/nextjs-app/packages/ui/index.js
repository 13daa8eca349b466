// Shared by the monorepo's apps; Next traces it into the standalone output.
exports.siteTitle = 'Hello from a Next.js workspace';
