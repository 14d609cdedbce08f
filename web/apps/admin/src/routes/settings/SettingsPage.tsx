import { isApiError, useShopSettings, useUpdateShopSettings, type ShopSettings } from "@order-service/api";
import { useState, type FormEvent } from "react";
import { ErrorState, ErrorText, FormError, Loading, PageHeader } from "../../components/states";
import { formatDateTime } from "../../lib/format";

export function Component() {
  const settings = useShopSettings();
  const [done, setDone] = useState<string | null>(null);
  return (
    <>
      <PageHeader title="Settings" description="How the shop prices and fulfils orders." />
      {done && (
        <p className="alert alert-success" role="status">
          {done}
        </p>
      )}
      {settings.isPending ? (
        <Loading label="Loading the settings…" />
      ) : settings.isError ? (
        <ErrorState title="The settings could not be loaded." error={settings.error} retry={() => void settings.refetch()} />
      ) : (
        // A new version read starts the form again from what is saved.
        <SettingsForm
          key={settings.data.version}
          saved={settings.data}
          reload={() => void settings.refetch()}
          reloading={settings.isFetching}
          onSaving={() => setDone(null)}
          onSaved={(s) => setDone(`Settings saved (version ${s.version}).`)}
        />
      )}
    </>
  );
}

/**
 * The settings with the version they were read at: saving sends it back, and
 * the API refuses (409 `settings_changed`) when someone saved in between, so
 * no change is overwritten unseen.
 */
function SettingsForm({
  saved,
  reload,
  reloading,
  onSaving,
  onSaved,
}: {
  saved: ShopSettings;
  reload: () => void;
  reloading: boolean;
  onSaving: () => void;
  onSaved: (settings: ShopSettings) => void;
}) {
  const update = useUpdateShopSettings();
  const [pricesIncludeTax, setPricesIncludeTax] = useState(saved.pricesIncludeTax);
  const [fulfilmentMode, setFulfilmentMode] = useState(saved.fulfilmentMode);
  const changed = pricesIncludeTax !== saved.pricesIncludeTax || fulfilmentMode !== saved.fulfilmentMode;
  const stale = isApiError(update.error) && update.error.code === "settings_changed" ? update.error : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    onSaving();
    update.mutate({ pricesIncludeTax, fulfilmentMode, version: saved.version }, { onSuccess: onSaved });
  }

  return (
    <form className="card stack form-grid" onSubmit={submit} aria-label="Shop settings">
      <fieldset className="stack">
        <legend>Prices</legend>
        <div className="field field-check">
          <input id="prices-include-tax" type="checkbox" checked={pricesIncludeTax} onChange={(e) => setPricesIncludeTax(e.target.checked)} aria-describedby="prices-include-tax-hint" />
          <label htmlFor="prices-include-tax">Prices include tax</label>
        </div>
        <p id="prices-include-tax-hint" className="hint">
          When ticked, catalog and shipping prices already contain the tax and orders show the tax they hold; otherwise tax is added at checkout. Carts
          are priced the new way at once; placed orders keep what they charged.
        </p>
      </fieldset>
      <fieldset className="stack">
        <legend>Fulfilment</legend>
        <div className="field field-check">
          <input
            id="mode-manual"
            type="radio"
            name="fulfilmentMode"
            value="MANUAL"
            checked={fulfilmentMode === "MANUAL"}
            onChange={() => setFulfilmentMode("MANUAL")}
            aria-describedby="mode-manual-hint"
          />
          <label htmlFor="mode-manual">Manual: paid orders wait in the fulfilment queue until staff ship them</label>
        </div>
        <p id="mode-manual-hint" className="hint radio-hint">
          Staff pick from the pick list and ship each order from the queue, with the shop's carrier or another.
        </p>
        <div className="field field-check">
          <input
            id="mode-automatic"
            type="radio"
            name="fulfilmentMode"
            value="AUTOMATIC"
            checked={fulfilmentMode === "AUTOMATIC"}
            onChange={() => setFulfilmentMode("AUTOMATIC")}
            aria-describedby="mode-automatic-hint"
          />
          <label htmlFor="mode-automatic">Automatic: the shop's carrier is booked as soon as an order is paid</label>
        </div>
        <p id="mode-automatic-hint" className="hint radio-hint">
          A change applies to orders paid from then on; orders already in the queue stay there until shipped or cancelled.
        </p>
      </fieldset>
      <p className="muted small">
        Version {saved.version}
        {saved.updatedAt ? `, saved ${formatDateTime(saved.updatedAt)}` : ", the deployment's defaults (never saved)"}
      </p>
      {stale ? (
        <div className="alert alert-warning stack-tight" role="alert">
          <p>
            <strong>Someone else saved the settings after you opened them, so yours were not saved.</strong>
          </p>
          <p>
            The service said: <ErrorText error={stale} />
          </p>
          <p>
            <button type="button" className="button small" onClick={reload} disabled={reloading}>
              Load the saved settings
            </button>{" "}
            then make your change again.
          </p>
        </div>
      ) : (
        <FormError error={update.error} />
      )}
      <div>
        <button type="submit" className="button primary" disabled={update.isPending || !changed}>
          {update.isPending ? "Saving…" : "Save settings"}
        </button>
      </div>
    </form>
  );
}
