-- Keys of deleted users are revoked by the API; nothing else references users across schemas.
CREATE INDEX watchlist_items_series ON watchlist_items (series_id);
