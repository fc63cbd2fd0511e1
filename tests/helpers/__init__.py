"""What the tests share: tiny data builders, fake geocoders, store fixtures."""
