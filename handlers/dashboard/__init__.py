"""The organisers' dashboard in chat: /dashboard opens the Mini App; /organiser binds organisers."""
