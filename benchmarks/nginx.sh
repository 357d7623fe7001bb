# Sourced by the benchmarks that put nginx beside an edge: a free port, and nginx's config as a
# caching reverse proxy (`proxy_cache`, 60 s) in front of the same origin the edge uses.

# free_port: a loopback port nobody listens on now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# nginx_config DIR ORIGIN_PORT PORT [single]: writes DIR/nginx.conf (its cache under DIR/cache).
# With `single`, nginx runs as one process with no master (for callgrind); otherwise one worker
# per core.
nginx_config() {
    local dir="$1" origin_port="$2" port="$3" processes="worker_processes auto;"
    [ "${4:-}" = single ] && processes="worker_processes 1;
master_process off;"
    mkdir -p "$dir/cache"
    chmod 755 "$(dirname "$dir")" "$dir"
    chmod 777 "$dir/cache"   # nginx workers run as an unprivileged user
    cat >"$dir/nginx.conf" <<CONF
$processes
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    proxy_cache_path $dir/cache keys_zone=edge:16m max_size=256m;
    upstream origin { server 127.0.0.1:$origin_port; keepalive 64; }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache edge;
            proxy_cache_valid 200 60s;
            add_header X-Cache \$upstream_cache_status;
        }
    }
}
CONF
}

# nginx_tls_config DIR ORIGIN_PORT PORT CERT KEY: the same proxy over TLS 1.3 with that
# certificate chain and key, and a session cache, as CloudFront-like HTTPS serving is set up.
nginx_tls_config() {
    local dir="$1" port="$3" cert="$4" key="$5"
    nginx_config "$1" "$2" "$3"
    sed -i "s|listen 127.0.0.1:$port;|listen 127.0.0.1:$port ssl; ssl_certificate $cert; ssl_certificate_key $key; ssl_protocols TLSv1.3; ssl_session_cache shared:TLS:10m;|" "$dir/nginx.conf"
}
