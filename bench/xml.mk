# bench/xml
