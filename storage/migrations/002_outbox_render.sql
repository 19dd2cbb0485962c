-- A photo or document may be drawn at send time instead of at enqueue time: render holds the
-- spec the sender hands to its renderer (bot.WithRenderer) when file_data is empty. A weekly
-- job enqueues a chart per principal and a workbook per officer without drawing any.
ALTER TABLE outbox ADD COLUMN render TEXT NOT NULL DEFAULT '';
