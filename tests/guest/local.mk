# freestanding test guests
