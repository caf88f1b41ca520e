"""The notifications pages: sent emails (`emails`, admins) and each
person's choices with the unsubscribe link (`preferences`)."""
