import react from "@vitejs/plugin-react";
import { webAppConfig } from "../../vite.shared.ts";

export default webAppConfig({
  name: "storefront",
  // The identity provider accepts redirects to the storefront's origin only (:3002).
  port: 3002,
  plugins: [react()],
  devConfigJson: { payments: { provider: "sandbox" } },
});
