import { useApp } from '../state/store';

export function Banners() {
  const banners = useApp((s) => s.banners);
  const dismiss = useApp((s) => s.dismiss);
  const connection = useApp((s) => s.connection);
  return (
    <div className="banners">
      {connection.state === 'reconnecting' && (
        <div className="banner warning" role="status">
          Lost the connection to the inspector ({connection.reason}); reconnecting…
        </div>
      )}
      {connection.state === 'unauthorized' && (
        <div className="banner error" role="alert">
          {connection.reason}
        </div>
      )}
      {banners.map((banner) => (
        <div key={banner.id} className={`banner ${banner.kind}`} role={banner.kind === 'error' ? 'alert' : 'status'}>
          <span>{banner.text}</span>
          {banner.action && (
            <button
              onClick={() => {
                banner.action!.run();
                dismiss(banner.id);
              }}
            >
              {banner.action.label}
            </button>
          )}
          <button className="dismiss" aria-label="Dismiss" onClick={() => dismiss(banner.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
