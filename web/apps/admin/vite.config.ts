import react from "@vitejs/plugin-react";
import { webAppConfig } from "../../vite.shared.ts";

export default webAppConfig({
  name: "admin",
  port: 3001,
  plugins: [react()],
  // The reports chunk carries recharts; it loads only with the reports page.
  build: { chunkSizeWarningLimit: 700 },
});
