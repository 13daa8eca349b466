// Builds assets/main.js into static/dist/main.js, where Django's STATICFILES_DIRS finds it.
export default {
  build: {
    outDir: "static/dist",
    emptyOutDir: true,
    rollupOptions: {
      input: "assets/main.js",
      output: { entryFileNames: "main.js" },
    },
  },
};
