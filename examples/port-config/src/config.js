// Settings with their defaults; the environment overrides each.
module.exports = {
  database: { host: process.env.DB_HOST || 'localhost', port: 5432 },
  http: {
    port: Number(process.env.PORT) || 8088,
  },
};
