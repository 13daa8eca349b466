// Visits are kept in a JSON file under the data folder, created at start.
const fs = require('node:fs');
const path = require('node:path');

const DATA_DIR = process.env.DATA_DIR || './data';
const FILE = path.join(DATA_DIR, 'visits.json');

fs.mkdirSync(DATA_DIR, { recursive: true });

exports.visit = () => {
  let count = 0;
  try {
    count = JSON.parse(fs.readFileSync(FILE, 'utf8')).count;
  } catch {
    // first visit
  }
  count += 1;
  fs.writeFileSync(FILE, JSON.stringify({ count, at: new Date().toISOString() }));
  return count;
};
